import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AFFECTATION_REMISE, AFFECTATION_STATUTS, AffectationStatut } from '@app/commandes';
import { AuthContext, Clock, decodeCursor, ForbiddenError, toPage } from '@app/core';
import { CalendarRegistry } from '@app/sla';
import { decaler } from '../dates';
import { periodeDe } from '../periode';
import { ouvrirTableau } from '../scope';

/** How an MdR's assignments stand against the commande's deadline. */
interface Tenue {
  /** Assignments received (withdrawn ones aside). */
  recues: number;
  /** Delivered (or validated) on or before the deadline. */
  aTemps: number;
  /** Delivered after the deadline, or not delivered and the deadline passed. */
  enRetard: number;
  /** Not delivered yet, deadline still ahead. */
  enCours: number;
}

export interface LigneCommande {
  id: string;
  reference: string;
  titre: string | null;
  statut: string;
  emetteur: { type: string; id: string | null; libelle: string };
  emiseLe: string;
  echeance: string | null;
  affectations: number;
  parStatut: Record<AffectationStatut, number>;
  enRetard: number;
  /**
   * Mean of the assignments' progress (withdrawn ones aside), percent: a delivered or validated
   * assignment counts 100, an open one its last reported percentage (as GET /commandes/{id}).
   */
  avancementMoyenPct: number | null;
  /** Deliverables done over owed (brief's count × assignments not withdrawn); a delivered or validated assignment has done all of its own. */
  livrables: { faits: number; total: number };
}

export interface TableauCommandes {
  perimetre: { type: string; id: string | null; libelle: string };
  du: string;
  au: string;
  genereA: string;
  total: Tenue & { commandes: number };
  maisons: Array<Tenue & { id: string; libelle: string }>;
  commandes: LigneCommande[];
  nextCursor: string | null;
}

export class GetTableauCommandesQuery extends Query<TableauCommandes> {
  constructor(
    readonly ctx: AuthContext,
    readonly params: { perimetre?: string; du?: string; au?: string; limit?: number; cursor?: string },
  ) {
    super();
  }
}

/** Commandes issued in the period: a quarter by default, commandes live longer than questions. */
const PERIODE_COMMANDES_JOURS = 91;

/**
 * The commandes dashboard, read live: commandes are few (hundreds a year) and indexed by their
 * issue date. The perimeter decides the rows: the network sees every issued commande, a
 * direction the ones it issued, an MdR its own assignments only.
 */
@QueryHandler(GetTableauCommandesQuery)
export class GetTableauCommandesHandler implements IQueryHandler<GetTableauCommandesQuery, TableauCommandes> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    readonly calendars: CalendarRegistry,
    readonly clock: Clock,
  ) {}

  async execute({ ctx, params }: GetTableauCommandesQuery): Promise<TableauCommandes> {
    const manager = this.dataSource.manager;
    const { portee, now, today } = await ouvrirTableau(manager, this, ctx, params.perimetre);
    if (portee.referentId) throw new ForbiddenError('Le tableau des commandes est réservé au Cabinet, aux managers et aux responsables de Maison.');
    const periode = periodeDe({ du: params.du ?? (params.au ? undefined : decaler(today, -(PERIODE_COMMANDES_JOURS - 1))), au: params.au }, today);
    const limit = params.limit ?? 50;
    const cursor = decodeCursor(params.cursor);

    const p: unknown[] = [periode.du, periode.au, now];
    const conditions = [
      `c.statut <> 'brouillon'`,
      `c.emise_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')`,
      `c.emise_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')`,
    ];
    if (portee.perimetre.type === 'direction') conditions.push(`c.emetteur_unite_id = $${p.push(portee.perimetre.id)}`);
    const joinMaison = portee.perimetre.type === 'maison' ? ` AND a.maison_id = $${p.push(portee.perimetre.id)}` : '';
    const livree = `a.statut IN ('livree', 'validee')`;
    // The commandes lib's rule of a complete assignment (AFFECTATION_REMISE), so both views agree.
    const remise = `a.statut IN (${AFFECTATION_REMISE.map((s) => `'${s}'`).join(', ')})`;
    const enRetard = `(${livree} AND a.livree_at > c.echeance) OR (NOT ${livree} AND a.statut <> 'annulee' AND c.echeance < $3)`;
    const tenue = `
      (count(*) FILTER (WHERE a.statut <> 'annulee'))::int AS recues,
      (count(*) FILTER (WHERE ${livree} AND a.livree_at <= c.echeance))::int AS a_temps,
      (count(*) FILTER (WHERE ${enRetard}))::int AS en_retard,
      (count(*) FILTER (WHERE NOT ${livree} AND a.statut <> 'annulee' AND (c.echeance IS NULL OR c.echeance >= $3)))::int AS en_cours`;
    const from = `FROM commande c JOIN affectation a ON a.commande_id = c.id${joinMaison} WHERE ${conditions.join(' AND ')}`;

    const pageParams = [...p];
    const apres = cursor ? ` AND (c.emise_at, c.id) < ($${pageParams.push(cursor.k)}::timestamptz, $${pageParams.push(cursor.id)}::uuid)` : '';
    const [rows, maisons, [total]] = await Promise.all([
      manager.query(
        `SELECT c.id, c.reference, c.titre, c.statut, c.emise_at, c.echeance, c.emetteur_unite_type, c.emetteur_unite_id, d.nom AS direction_nom,
                jsonb_array_length(c.livrables) AS nb_livrables,
                count(*)::int AS affectations,
                ${AFFECTATION_STATUTS.map((s) => `(count(*) FILTER (WHERE a.statut = '${s}'))::int AS "s_${s}"`).join(', ')},
                (count(*) FILTER (WHERE ${enRetard}))::int AS en_retard,
                avg(CASE WHEN ${remise} THEN 100 ELSE a.pourcentage END) FILTER (WHERE a.statut <> 'annulee') AS avancement,
                (sum(CASE WHEN ${remise} THEN jsonb_array_length(c.livrables) ELSE cardinality(a.livrables_faits) END) FILTER (WHERE a.statut <> 'annulee'))::int AS livrables_faits,
                (count(*) FILTER (WHERE a.statut <> 'annulee'))::int AS actives
           FROM commande c JOIN affectation a ON a.commande_id = c.id${joinMaison}
           LEFT JOIN direction d ON d.id = c.emetteur_unite_id
          WHERE ${conditions.join(' AND ')}${apres}
          GROUP BY c.id, d.nom
          ORDER BY c.emise_at DESC, c.id DESC
          LIMIT ${limit + 1}`,
        pageParams,
      ),
      manager.query(`SELECT a.maison_id AS id, m.nom AS libelle, ${tenue} ${from.replace('WHERE', 'JOIN maison m ON m.id = a.maison_id WHERE')} GROUP BY a.maison_id, m.nom ORDER BY m.nom`, p),
      manager.query(`SELECT (count(DISTINCT c.id))::int AS commandes, ${tenue} ${from}`, p),
    ]);
    const page = toPage(rows as any[], limit, (last) => ({ k: new Date(last.emise_at).toISOString(), id: last.id }));
    return {
      perimetre: { type: portee.perimetre.type, id: portee.perimetre.id, libelle: portee.libelle },
      du: periode.du,
      au: periode.au,
      genereA: now.toISOString(),
      total: { commandes: total.commandes, ...tenueDe(total) },
      maisons: maisons.map((m: any) => ({ id: m.id, libelle: m.libelle, ...tenueDe(m) })),
      commandes: page.items.map((r: any) => ({
        id: r.id,
        reference: r.reference,
        titre: r.titre,
        statut: r.statut,
        emetteur: {
          type: r.emetteur_unite_type,
          id: r.emetteur_unite_id,
          libelle: r.emetteur_unite_type === 'cabinet' ? 'Cabinet' : r.direction_nom,
        },
        emiseLe: new Date(r.emise_at).toISOString(),
        echeance: r.echeance ? new Date(r.echeance).toISOString() : null,
        affectations: r.affectations,
        parStatut: Object.fromEntries(AFFECTATION_STATUTS.map((s) => [s, r[`s_${s}`]])) as Record<AffectationStatut, number>,
        enRetard: r.en_retard,
        avancementMoyenPct: r.avancement === null ? null : Math.round(Number(r.avancement)),
        livrables: { faits: r.livrables_faits ?? 0, total: r.nb_livrables * r.actives },
      })),
      nextCursor: page.nextCursor,
    };
  }
}

function tenueDe(r: any): Tenue {
  return { recues: r.recues, aTemps: r.a_temps, enRetard: r.en_retard, enCours: r.en_cours };
}
