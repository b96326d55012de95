import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, etagOf, parseIfMatch, requireIfMatch } from '@app/core';
import { ReponsePublieeView, ReponsesPublieesService, Suggestions, SuggestionsService } from '@app/knowledge';
import { CurrentUser } from '../auth/auth.decorators';
import { IdParamDto } from '../common/dto';
import { CREATED_HEADERS, ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import { ModifierReponsePublieeDto, PublierDto, ReponsesPublieesQueryDto, SuggestionsQueryDto } from './capitalisation.dto';
import { ReponsePublieeDto, ReponsePublieePageDto, SuggestionsDto } from './capitalisation.responses';

/**
 * Capitalisation ("L'info pour tous"): publishing a question's answer as a FAQ entry, the
 * published answers, and the suggestions of the "Nouvelle question" form (ADR 0016).
 */
@ApiTags('Capitalisation')
@ApiBearerAuth()
@Controller()
export class CapitalisationController {
  constructor(
    private readonly reponses: ReponsesPublieesService,
    private readonly suggestions: SuggestionsService,
  ) {}

  @Get('questions/suggestions')
  @ApiOperation({
    summary: 'Réponses publiées et questions déjà traitées semblables à un objet (formulaire « Nouvelle question »)',
    description: 'Plein texte français sur les mots de l’objet, classé, avec un bonus pour le même dispositif. Une question d’une autre Maison ne donne que son objet et sa réponse (sans donnée de l’usager), et sa référence seulement si vous pouvez l’ouvrir.',
  })
  @ApiOkResponse({ type: SuggestionsDto })
  @ApiProblems(403)
  suggerer(@CurrentUser() ctx: AuthContext, @Query() query: SuggestionsQueryDto): Promise<Suggestions> {
    return this.suggestions.suggerer(ctx, query);
  }

  @Post('questions/:id/publier')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publier la réponse d’une question dans « L’info pour tous »',
    description: 'Le référent de la direction qui a répondu (question répondue ou close), ou la Maison de la question une fois close. La question est reformulée sans nom, e-mail ni téléphone de l’usager (422 sinon).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé ne publie pas deux fois.' })
  @ApiCreatedResponse({ type: ReponsePublieeDto, headers: CREATED_HEADERS })
  @ApiProblems(403, [409, 'La question n’est pas (encore) dans un état qui permet de publier : errors absent, statutActuel la nomme.'], 422)
  async publier(
    @CurrentUser() ctx: AuthContext,
    @Param() { id }: IdParamDto,
    @Body() body: PublierDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReponsePublieeView> {
    const result = await this.reponses.publier(ctx, id, body, key);
    reply.header('etag', etagOf(result.body.version)).header('location', `/api/v1/reponses-publiees/${result.body.id}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('reponses-publiees')
  @ApiOperation({ summary: 'Les réponses publiées (non retirées), les plus récentes d’abord' })
  @ApiOkResponse({ type: ReponsePublieePageDto })
  @ApiProblems()
  lister(@CurrentUser() ctx: AuthContext, @Query() query: ReponsesPublieesQueryDto) {
    return this.reponses.lister(ctx, query);
  }

  @Get('reponses-publiees/:id')
  @ApiOperation({ summary: 'Une réponse publiée (retirée comprise)' })
  @ApiOkResponse({ type: ReponsePublieeDto, headers: ETAG_HEADER })
  @ApiProblems()
  async get(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.reponses.get(ctx, id);
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Patch('reponses-publiees/:id')
  @ApiOperation({ summary: 'Modifier une réponse publiée (son auteur, sa direction ou sa Maison)', description: 'If-Match obligatoire : 428 sans lui, 412 si elle a changé.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'L’ETag reçu.' })
  @ApiOkResponse({ type: ReponsePublieeDto, headers: ETAG_HEADER })
  @ApiProblems(403, 409, 412, 422, 428)
  async modifier(
    @CurrentUser() ctx: AuthContext,
    @Param() { id }: IdParamDto,
    @Body() body: ModifierReponsePublieeDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.reponses.modifier(ctx, id, body, requireIfMatch(ifMatch));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post('reponses-publiees/:id/retirer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retirer une réponse publiée : elle n’est plus listée, suggérée ni réutilisable' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'L’ETag reçu : refus 412 si elle a changé entre-temps.' })
  @ApiOkResponse({ type: ReponsePublieeDto, headers: ETAG_HEADER })
  @ApiProblems(403, [409, 'Déjà retirée.'], 412)
  async retirer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.reponses.retirer(ctx, id, parseIfMatch(ifMatch));
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
