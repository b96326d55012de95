import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, etagOf, parseIfMatch } from '@app/core';
import { barometreCsv, BarometreService } from '@app/barometre';
import { CurrentUser } from '../auth/auth.decorators';
import { CREATED_HEADERS, ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import { BarometreQueryDto, EnregistrerReleveDto, PublierSyntheseDto, SynthesesQueryDto } from './barometre.dto';
import { BarometreDto, ReleveDto, SyntheseDto, SynthesesDto } from './barometre.responses';

/**
 * The barometer « Quel temps fait-il chez vous ? » (issue 15, ADR 0020): an MdR records its
 * usagers' weather; the month per territory beside its operations; the monthly summaries.
 */
@ApiTags('Baromètre')
@ApiBearerAuth()
@ApiExtraModels(BarometreDto)
@Controller('barometre')
export class BarometreController {
  constructor(private readonly barometre: BarometreService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Enregistrer la météo d’un usager (« Quel temps fait-il chez vous ? »)',
    description: 'Un agent ou le responsable d’une Maison, pour sa Maison. Le commentaire est court et sans donnée personnelle : une adresse e-mail ou un numéro de téléphone est refusé (422 nommant commentaire).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé n’enregistre pas deux fois.' })
  @ApiCreatedResponse({ type: ReleveDto, headers: CREATED_HEADERS })
  @ApiProblems(403, [404, 'Une autre Maison que la vôtre.'], 422)
  async enregistrer(
    @CurrentUser() ctx: AuthContext,
    @Body() body: EnregistrerReleveDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.barometre.enregistrer(ctx, body, key);
    reply.header('location', `/api/v1/barometre?mois=${result.body.releveLe.slice(0, 7)}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get()
  @ApiOperation({
    summary: 'Le baromètre du mois par territoire (Maison), à côté de ses opérations',
    description:
      'Par Maison : relevés par météo, météo du mois (moyenne soleil 1 … orage 5 arrondie, à mi-chemin vers la pire), tendance par rapport au mois précédent, thèmes du mauvais temps, et les questions reçues, escaladées, dépassements SLA et dispositifs les plus demandés du mois (heure de Paris). Une Maison voit son détail et, avec perimetre=reseau, la météo des autres Maisons ; un manager son périmètre. Accept: text/csv exporte le même tableau.',
  })
  @ApiResponse({
    status: 200,
    description: 'Le baromètre (JSON), ou le même en CSV avec Accept: text/csv.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(BarometreDto) } },
      'text/csv': { schema: { type: 'string', description: 'Une ligne par Maison (UTF-8 avec BOM, séparateur ;).' } },
    },
    headers: { 'Content-Disposition': { description: 'En CSV : attachment; filename="relais-barometre-….csv".', schema: { type: 'string' } } },
  })
  @ApiProblems(403, [404, 'Périmètre inconnu (direction ou Maison introuvable).'])
  async lire(@CurrentUser() ctx: AuthContext, @Query() q: BarometreQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const b = await this.barometre.barometre(ctx, q);
    if (!/\btext\/csv\b/i.test(accept ?? '')) return b;
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="relais-barometre-${b.perimetre.type}-${b.mois}.csv"`);
    reply.header('vary', 'Accept');
    return barometreCsv(b);
  }

  @Post('syntheses')
  @ApiOperation({
    summary: 'Publier (ou modifier) la synthèse du mois de sa Maison',
    description: 'Le responsable de la Maison ; une synthèse par Maison et par mois. Elle existe déjà : 409 sans If-Match, 412 si If-Match n’est plus la version actuelle, 200 et la synthèse modifiée sinon.',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'L’ETag de la synthèse publiée, pour la modifier.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé ne publie pas deux fois.' })
  @ApiCreatedResponse({ type: SyntheseDto, headers: CREATED_HEADERS, description: 'Publiée.' })
  @ApiOkResponse({ type: SyntheseDto, headers: ETAG_HEADER, description: 'Modifiée (If-Match).' })
  @ApiProblems(403, [409, 'La synthèse du mois est déjà publiée : envoyez son ETag dans If-Match pour la modifier.'], 412, 422)
  async publierSynthese(
    @CurrentUser() ctx: AuthContext,
    @Body() body: PublierSyntheseDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.barometre.publierSynthese(ctx, body, parseIfMatch(ifMatch), key);
    reply.status(result.status);
    reply.header('etag', etagOf(result.body.version)).header('location', `/api/v1/barometre/syntheses?mois=${result.body.mois}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('syntheses')
  @ApiOperation({ summary: 'Les synthèses du mois publiées par les Maisons (le fil du réseau)', description: 'Lisibles par tous les agents de la Région, les plus récentes d’abord.' })
  @ApiOkResponse({ type: SynthesesDto })
  @ApiProblems()
  syntheses(@CurrentUser() ctx: AuthContext, @Query() q: SynthesesQueryDto) {
    return this.barometre.syntheses(ctx, q);
  }
}
