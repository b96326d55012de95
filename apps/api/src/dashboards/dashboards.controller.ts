import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '@app/core';
import { GetTableauCapitalisationQuery, GetTableauCommandesQuery, GetTableauSlaQuery, tableauCapitalisationCsv, tableauCommandesCsv, tableauSlaCsv } from '@app/dashboards';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { TableauCommandesQueryDto, TableauQueryDto, TableauSlaQueryDto } from './dashboards.dto';
import { TableauCapitalisationDto, TableauCommandesDto, TableauSlaDto } from './dashboards.responses';

/**
 * The same figures as JSON, or as a spreadsheet for `Accept: text/csv` (a file to download,
 * `;`-separated for the French locale of the spreadsheet programs).
 */
function tableauOuCsv(json: Function, csvDescription: string) {
  return ApiResponse({
    status: 200,
    description: 'Le tableau (JSON), ou le même en CSV avec Accept: text/csv.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(json) } },
      'text/csv': { schema: { type: 'string', description: csvDescription } },
    },
    headers: {
      'Content-Disposition': { description: 'En CSV : attachment; filename="relais-….csv".', schema: { type: 'string' } },
    },
  });
}

/** `Accept: text/csv` asks for the spreadsheet; anything else gets JSON. */
function veutCsv(accept: string | undefined): boolean {
  return /\btext\/csv\b/i.test(accept ?? '');
}

/**
 * Managers' dashboards. Who sees which perimeter is decided by the dashboards lib (scope.ts):
 * agents of an MdR get 403, a perimeter outside one's own 403, an unknown one 404.
 */
@ApiTags('Tableaux de bord')
@ApiBearerAuth()
@ApiExtraModels(TableauSlaDto, TableauCommandesDto, TableauCapitalisationDto)
@ApiProblems(403, [404, 'Périmètre inconnu (direction ou Maison introuvable).'])
@Controller('tableaux-de-bord')
export class DashboardsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('sla')
  @ApiOperation({ summary: 'Tableau de bord SLA : ouverts, à risque, dépassés, conformité, délais, ancienneté, répartition, tendance' })
  @tableauOuCsv(TableauSlaDto, 'Le tableau SLA en CSV (UTF-8 avec BOM, séparateur ;).')
  async sla(@CurrentUser() ctx: AuthContext, @Query() q: TableauSlaQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const tableau = await this.queryBus.execute(new GetTableauSlaQuery(ctx, q));
    if (!veutCsv(accept)) return tableau;
    return this.csv(reply, `relais-sla-${tableau.flux}-${tableau.perimetre.type}-${tableau.du}-${tableau.au}.csv`, tableauSlaCsv(tableau));
  }

  @Get('commandes')
  @ApiOperation({ summary: 'Tableau de bord des commandes : par commande et par Maison, à l’heure, en retard, avancement, livrables' })
  @tableauOuCsv(TableauCommandesDto, 'Toutes les commandes de la période en CSV (UTF-8 avec BOM, séparateur ;), sans pagination.')
  async commandes(
    @CurrentUser() ctx: AuthContext,
    @Query() q: TableauCommandesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The spreadsheet holds every commande of the period, not one page.
    const tableau = await this.queryBus.execute(new GetTableauCommandesQuery(ctx, veutCsv(accept) ? { ...q, limit: 10_000, cursor: undefined } : q));
    if (!veutCsv(accept)) return tableau;
    return this.csv(reply, `relais-commandes-${tableau.perimetre.type}-${tableau.du}-${tableau.au}.csv`, tableauCommandesCsv(tableau));
  }

  @Get('capitalisation')
  @ApiOperation({
    summary: 'Tableau de bord de la capitalisation : par dispositif, escalades, réponses publiées, réponses au guichet, réutilisations, taux',
    description: 'Taux de capitalisation = réponses publiées / escalades ; taux de réutilisation = questions répondues au guichet en réutilisant une réponse / questions répondues au guichet ou escaladées (ADR 0017). Par défaut, les 91 derniers jours.',
  })
  @tableauOuCsv(TableauCapitalisationDto, 'Le tableau de la capitalisation en CSV (UTF-8 avec BOM, séparateur ;).')
  async capitalisation(
    @CurrentUser() ctx: AuthContext,
    @Query() q: TableauQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const tableau = await this.queryBus.execute(new GetTableauCapitalisationQuery(ctx, q));
    if (!veutCsv(accept)) return tableau;
    return this.csv(reply, `relais-capitalisation-${tableau.perimetre.type}-${tableau.du}-${tableau.au}.csv`, tableauCapitalisationCsv(tableau));
  }

  private csv(reply: FastifyReply, filename: string, body: string): string {
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="${filename}"`);
    reply.header('vary', 'Accept');
    return body;
  }
}
