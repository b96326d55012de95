import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, etagOf, requireIfMatch } from '@app/core';
import { BoiteNotifications, PreferencesNotifications } from '@app/notifications';
import { CurrentUser } from '../auth/auth.decorators';
import { IdParamDto } from '../common/dto';
import { ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import { NotificationsQueryDto, PreferencesNotificationsDto } from './notifications.dto';
import {
  CompteurNotificationsDto,
  MarquageNotificationsDto,
  NotificationDto,
  NotificationPageDto,
  PreferencesNotificationsViewDto,
} from './notifications.responses';

/** The caller's inbox and notification preferences: every role has them, each user only their own. */
@ApiTags('Notifications')
@ApiBearerAuth()
@Controller()
export class NotificationsController {
  constructor(
    private readonly boite: BoiteNotifications,
    private readonly preferences: PreferencesNotifications,
  ) {}

  @Get('notifications')
  @ApiOperation({ summary: 'Mes notifications : non lues d’abord, puis les plus récentes' })
  @ApiOkResponse({ type: NotificationPageDto })
  lister(@CurrentUser() ctx: AuthContext, @Query() query: NotificationsQueryDto) {
    return this.boite.lister(ctx.userId, query);
  }

  @Get('notifications/compteur')
  @ApiOperation({ summary: 'Le nombre de mes notifications non lues' })
  @ApiOkResponse({ type: CompteurNotificationsDto })
  async compteur(@CurrentUser() ctx: AuthContext): Promise<CompteurNotificationsDto> {
    return { nonLues: await this.boite.compter(ctx.userId) };
  }

  @Post('notifications/lues')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marquer toutes mes notifications comme lues' })
  @ApiOkResponse({ type: MarquageNotificationsDto })
  async toutesLues(@CurrentUser() ctx: AuthContext): Promise<MarquageNotificationsDto> {
    const marquees = await this.boite.marquerToutesLues(ctx.userId);
    return { marquees, nonLues: await this.boite.compter(ctx.userId) };
  }

  @Post('notifications/:id/lue')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marquer une de mes notifications comme lue (celle d’un autre : 404)' })
  @ApiOkResponse({ type: NotificationDto })
  lue(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.boite.marquerLue(ctx.userId, id);
  }

  @Get('me/preferences-notifications')
  @ApiOperation({ summary: 'Mes préférences de notification (types désactivés, courriel, heure du résumé)' })
  @ApiOkResponse({ type: PreferencesNotificationsViewDto, headers: ETAG_HEADER })
  async lirePreferences(@CurrentUser() ctx: AuthContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.preferences.lire(ctx.userId);
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Put('me/preferences-notifications')
  @ApiOperation({
    summary: 'Modifier mes préférences de notification',
    description: 'If-Match obligatoire (428 sans lui, 412 s’il est périmé ; "0" avant la première modification). 422 pour un type inconnu, sla_depassement désactivé ou une heure hors de 0–23.',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'L’ETag des préférences lues.' })
  @ApiOkResponse({ type: PreferencesNotificationsViewDto, headers: ETAG_HEADER })
  @ApiProblems(412, 422, 428)
  async modifierPreferences(
    @CurrentUser() ctx: AuthContext,
    @Body() body: PreferencesNotificationsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.preferences.modifier(ctx.userId, body, requireIfMatch(ifMatch));
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
