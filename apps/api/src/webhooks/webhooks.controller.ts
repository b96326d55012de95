import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig, AuthContext, etagOf, Page, pageOfList, parseIfMatch } from '@app/core';
import { CreateWebhookCommand, DesactiverWebhookCommand, ListLivraisonsQuery, ListWebhooksQuery, RejouerLivraisonCommand } from '@app/notifications';
import type { LivraisonView, WebhookView } from '@app/notifications';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { IdParamDto, PageQueryDto } from '../common/dto';
import { CREATED_HEADERS, ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import { CreateWebhookDto, LivraisonsQueryDto } from './webhooks.dto';
import { WebhookLivraisonDto, WebhookLivraisonPageDto, WebhookCreeDto, WebhookDto, WebhookPageDto } from './webhooks.responses';

/** Signed webhooks to the Région's other systems: administrators only (ADR 0011). */
@ApiTags('Webhooks')
@ApiBearerAuth()
@Controller()
export class WebhooksController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly config: AppConfig,
  ) {}

  @Get('webhooks')
  @Roles('admin')
  @ApiOperation({ summary: 'Les points de réception des webhooks, avec leurs livraisons par statut' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiProblems(403)
  async list(@Query() query: PageQueryDto): Promise<Page<WebhookView>> {
    return pageOfList(await this.queryBus.execute(new ListWebhooksQuery()), (w) => w.id, query);
  }

  @Post('webhooks')
  @Roles('admin')
  @ApiOperation({ summary: 'Enregistrer un point de réception : son secret de signature n’est montré qu’ici' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé ne crée rien deux fois.' })
  @ApiCreatedResponse({ type: WebhookCreeDto, headers: CREATED_HEADERS })
  @ApiProblems(403, 422)
  async create(
    @CurrentUser() ctx: AuthContext,
    @Body() body: CreateWebhookDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commandBus.execute(
      new CreateWebhookCommand(ctx, { url: body.url, description: body.description ?? null, types: body.types }, this.config.WEBHOOK_HTTP_AUTORISE, key, body),
    );
    reply.status(result.status).header('etag', etagOf(result.body.version)).header('location', `/api/v1/webhooks/${result.body.id}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Post('webhooks/:id/desactiver')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Désactiver un point de réception : plus aucune livraison, celles en attente sont abandonnées' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'L’ETag lu (412 s’il est périmé).' })
  @ApiOkResponse({ type: WebhookDto, headers: ETAG_HEADER })
  @ApiProblems(403, 409, 412)
  async desactiver(@Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.commandBus.execute(new DesactiverWebhookCommand(id, parseIfMatch(ifMatch)));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Get('webhooks/:id/livraisons')
  @Roles('admin')
  @ApiOperation({ summary: 'Les livraisons d’un point de réception, les plus récentes d’abord' })
  @ApiOkResponse({ type: WebhookLivraisonPageDto })
  @ApiProblems(403)
  livraisons(@Param() { id }: IdParamDto, @Query() query: LivraisonsQueryDto): Promise<Page<LivraisonView>> {
    return this.queryBus.execute(new ListLivraisonsQuery(id, query.statut, query));
  }

  @Post('webhooks/livraisons/:id/rejouer')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Rejouer une livraison échouée ou livrée : une nouvelle tentative, même webhook-id' })
  @ApiOkResponse({ type: WebhookLivraisonDto })
  @ApiProblems(403, 409)
  rejouer(@Param() { id }: IdParamDto): Promise<LivraisonView> {
    return this.commandBus.execute(new RejouerLivraisonCommand(id));
  }
}
