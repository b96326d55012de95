import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '@app/core';
import {
  GetEnqueteAutonomieQuery,
  GetJaugeAutonomieQuery,
  jaugeAutonomieCsv,
  ListerEnquetesAutonomieQuery,
  OuvrirEnqueteAutonomieCommand,
  RepondreEnqueteAutonomieCommand,
} from '@app/barometre';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { EnqueteAutonomieQueryDto, JaugeAutonomieQueryDto, OuvrirEnqueteAutonomieDto, RepondreEnqueteAutonomieDto } from './autonomie.dto';
import { EnqueteAutonomieDto, JaugeAutonomieDto, MaReponseAutonomieDto, ResultatEnqueteAutonomieDto } from './autonomie.responses';

/**
 * Autonomy (issue 15, ADR 0021): the gauge computed from the questions (the dashboards' scope
 * rules), and the field study's survey of current and wished autonomy.
 */
@ApiTags('Autonomie')
@ApiBearerAuth()
@ApiExtraModels(JaugeAutonomieDto)
@Controller('autonomie')
export class AutonomieController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
  ) {}

  @Get('jauge')
  @ApiOperation({
    summary: 'Jauge d’autonomie calculée : par Maison, par dispositif et par mois, répondues au guichet, escaladées, escaladées malgré une réponse publiée, taux et tendance',
    description: 'Taux d’autonomie = répondues au guichet / (répondues au guichet + escaladées), sur les questions reçues dans la période (heure de Paris). Même périmètre que le tableau de bord SLA. Accept: text/csv exporte le même tableau.',
  })
  @ApiResponse({
    status: 200,
    description: 'La jauge (JSON), ou la même en CSV avec Accept: text/csv.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(JaugeAutonomieDto) } },
      'text/csv': { schema: { type: 'string', description: 'La jauge en CSV (UTF-8 avec BOM, séparateur ;).' } },
    },
    headers: { 'Content-Disposition': { description: 'En CSV : attachment; filename="relais-autonomie-….csv".', schema: { type: 'string' } } },
  })
  @ApiProblems(403, [404, 'Périmètre inconnu (direction ou Maison introuvable).'])
  async jauge(@CurrentUser() ctx: AuthContext, @Query() q: JaugeAutonomieQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const jauge = await this.queryBus.execute(new GetJaugeAutonomieQuery(ctx, q));
    if (!/\btext\/csv\b/i.test(accept ?? '')) return jauge;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="relais-autonomie-${jauge.perimetre.type}-${jauge.du}-${jauge.au}.csv"`);
    reply.header('vary', 'Accept');
    return jaugeAutonomieCsv(jauge);
  }

  @Get()
  @ApiOperation({
    summary: 'Enquête sur l’autonomie : actuelle et souhaitée par domaine et par groupe (Maisons, siège), à côté de la jauge calculée du réseau',
    description: 'Responsables de Maison, managers, Cabinet et administrateurs. Les réponses individuelles ne sont données qu’aux managers du réseau et aux administrateurs ; chacun voit la sienne.',
  })
  @ApiOkResponse({ type: ResultatEnqueteAutonomieDto })
  @ApiProblems(403, [404, 'Enquête introuvable, ou aucune enquête ouverte.'])
  resultat(@CurrentUser() ctx: AuthContext, @Query() q: EnqueteAutonomieQueryDto) {
    return this.queryBus.execute(new GetEnqueteAutonomieQuery(ctx, q.enqueteId));
  }

  @Get('enquetes')
  @ApiOperation({ summary: 'Les vagues de l’enquête sur l’autonomie, la plus récente d’abord' })
  @ApiOkResponse({ type: [EnqueteAutonomieDto] })
  @ApiProblems(403)
  enquetes(@CurrentUser() ctx: AuthContext) {
    return this.queryBus.execute(new ListerEnquetesAutonomieQuery(ctx));
  }

  @Post('enquetes')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ouvrir une vague de l’enquête (et clore la précédente)', description: 'Managers du réseau et administrateurs.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé n’ouvre pas deux vagues.' })
  @ApiCreatedResponse({ type: EnqueteAutonomieDto })
  @ApiProblems(403, 422)
  async ouvrir(
    @CurrentUser() ctx: AuthContext,
    @Body() body: OuvrirEnqueteAutonomieDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commandBus.execute(new OuvrirEnqueteAutonomieCommand(ctx, body.libelle, key));
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Post('reponses')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Répondre à l’enquête (ou modifier sa réponse)',
    description: 'Une réponse par personne et par vague : répondre à nouveau remplace les notes. Chaque domaine une fois, notes de 1 à 5. Responsables de Maison, managers, Cabinet.',
  })
  @ApiOkResponse({ type: MaReponseAutonomieDto })
  @ApiProblems(403, [404, 'Enquête introuvable, ou aucune enquête ouverte.'], [409, 'L’enquête est close.'])
  repondre(@CurrentUser() ctx: AuthContext, @Body() body: RepondreEnqueteAutonomieDto) {
    return this.commandBus.execute(new RepondreEnqueteAutonomieCommand(ctx, body));
  }
}
