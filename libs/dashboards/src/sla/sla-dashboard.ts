import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext, Clock } from '@app/core';
import { CalendarRegistry, horlogeARisqueSql, SANS_AFFECTATION } from '@app/sla';
import { limitesAnciennete, TRANCHES_ANCIENNETE } from '../aging';
import { decaler, lendemain } from '../dates';
import { COLONNES_CLASSES, quantile } from '../histogram';
import { niveauxDe, periodeDe, Periode, semainesDe } from '../periode';
import { ouvrirTableau, PorteeTableau } from '../scope';
import { COLONNES_SOMMEES } from './rollup';

export type Flux = 'question' | 'commande';

/** Which clock answers "how long to the first response" and "how long to resolution", per flux. */
export const HORLOGES_DELAIS: Record<Flux, { premiereReponse: string; resolution: string }> = {
  question: { premiereReponse: 'prise_en_charge', resolution: 'reponse' },
  commande: { premiereReponse: 'accuse_reception', resolution: 'echeance_commande' },
};

export interface Maintenant {
  ouverts: number;
  aRisque: number;
  depasses: number;
}

export interface Conformite {
  horloge: string;
  termines: number;
  aTemps: number;
  /** Met on time / met, in percent with one decimal; null when nothing ended. */
  tauxPct: number | null;
}

export interface Delai {
  /** Business minutes, estimated from duration classes (exact to the class). */
  medianeMinutesOuvrees: number | null;
  p90MinutesOuvrees: number | null;
  termines: number;
}

export interface LigneRepartition extends Maintenant {
  id: string | null;
  libelle: string;
  termines: number;
  aTemps: number;
  tauxPct: number | null;
  medianeResolutionMinutesOuvrees: number | null;
}

export interface TableauSla {
  perimetre: { type: string; id: string | null; libelle: string };
  referentId: string | null;
  flux: Flux;
  du: string;
  au: string;
  genereA: string;
  /** When the worker last refreshed the period figures (the "now" figures are live). */
  donneesPeriodeA: string | null;
  maintenant: Maintenant & { anciennete: Array<{ tranche: string; libelle: string; ouverts: number }> };
  conformite: Conformite[];
  delais: { premiereReponse: Delai & { horloge: string }; resolution: Delai & { horloge: string } };
  /** Business minutes of the tickets ended in the period, by who held them. */
  tempsParDetenteur: { maison: number; siege: number; usager: number; cabinet: number };
  tendance: Array<{ semaine: string; termines: number; aTemps: number; tauxPct: number | null }>;
  repartition: { directions: LigneRepartition[]; maisons: LigneRepartition[]; referents: LigneRepartition[] };
}

export class GetTableauSlaQuery extends Query<TableauSla> {
  constructor(
    readonly ctx: AuthContext,
    readonly params: { perimetre?: string; du?: string; au?: string; flux?: Flux },
  ) {
    super();
  }
}

type Axe = 'total' | 'direction' | 'maison' | 'referent' | 'semaine';

const taux = (aTemps: number, termines: number) => (termines === 0 ? null : Math.round((1000 * aTemps) / termines) / 10);
const arrondi = (v: number | null) => (v === null ? null : Math.round(v));

/**
 * The SLA dashboard: "now" figures live from the open tickets and clocks (a set bounded by the
 * work in progress, not by history), period figures from the daily roll-up (ADR 0007). Two
 * queries, each one scan with GROUPING SETS for the total and every breakdown.
 */
@QueryHandler(GetTableauSlaQuery)
export class GetTableauSlaHandler implements IQueryHandler<GetTableauSlaQuery, TableauSla> {
  /** Whole months and weeks from their levels (ADR 0025); a subclass reading the daily level alone is the tests' reference. */
  protected readonly niveauMensuel: boolean = true;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    readonly calendars: CalendarRegistry,
    readonly clock: Clock,
  ) {}

  async execute({ ctx, params }: GetTableauSlaQuery): Promise<TableauSla> {
    const manager = this.dataSource.manager;
    const { portee, now, today, reseau } = await ouvrirTableau(manager, this, ctx, params.perimetre);
    const flux = params.flux ?? 'question';
    const periode = periodeDe(params, today);
    const [ouverts, periodeRows, [fraicheur]] = await Promise.all([
      this.maintenant(manager, flux, portee, now, limitesAnciennete(reseau, now)),
      this.periode(manager, flux, portee, periode),
      manager.query(`SELECT a FROM tdb_rafraichissement WHERE id = 'sla'`),
    ]);
    const delais = HORLOGES_DELAIS[flux];
    const totals = periodeRows.filter((r) => r.axe === 'total');
    const totalDe = (horloge: string) => totals.find((r) => r.horloge === horloge);
    const delai = (horloge: string) => {
      const r = totalDe(horloge);
      return {
        horloge,
        termines: r?.termines ?? 0,
        medianeMinutesOuvrees: r ? arrondi(quantile(classesOf(r), 0.5, Number(r.max))) : null,
        p90MinutesOuvrees: r ? arrondi(quantile(classesOf(r), 0.9, Number(r.max))) : null,
      };
    };
    const total = ouverts.find((r) => r.axe === 'total');
    const sum = (k: 'mm' | 'ms' | 'mu' | 'mc') => Math.round(totals.reduce((a, r) => a + Number(r[k]), 0));
    const libelles = await this.libelles(manager, ouverts, periodeRows);
    return {
      perimetre: { type: portee.perimetre.type, id: portee.perimetre.id, libelle: portee.libelle },
      referentId: portee.referentId,
      flux,
      du: periode.du,
      au: periode.au,
      genereA: now.toISOString(),
      donneesPeriodeA: fraicheur?.a ? new Date(fraicheur.a).toISOString() : null,
      maintenant: {
        ouverts: total?.ouverts ?? 0,
        aRisque: total?.a_risque ?? 0,
        depasses: total?.depasses ?? 0,
        anciennete: TRANCHES_ANCIENNETE.map((t) => ({ tranche: t.code, libelle: t.libelle, ouverts: total?.[t.code] ?? 0 })),
      },
      conformite: [...new Set(totals.map((r) => r.horloge as string))]
        .sort()
        .map((horloge) => {
          const r = totalDe(horloge)!;
          return { horloge, termines: r.termines, aTemps: r.a_temps, tauxPct: taux(r.a_temps, r.termines) };
        }),
      delais: { premiereReponse: delai(delais.premiereReponse), resolution: delai(delais.resolution) },
      tempsParDetenteur: { maison: sum('mm'), siege: sum('ms'), usager: sum('mu'), cabinet: sum('mc') },
      tendance: semaines(periode).map((semaine) => {
        const rows = periodeRows.filter((r) => r.axe === 'semaine' && r.semaine === semaine);
        const termines = rows.reduce((a, r) => a + r.termines, 0);
        const aTemps = rows.reduce((a, r) => a + r.a_temps, 0);
        return { semaine, termines, aTemps, tauxPct: taux(aTemps, termines) };
      }),
      repartition: {
        directions: this.lignes('direction', ouverts, periodeRows, delais.resolution, libelles),
        maisons: this.lignes('maison', ouverts, periodeRows, delais.resolution, libelles),
        referents: this.lignes('referent', ouverts, periodeRows, delais.resolution, libelles),
      },
    };
  }

  /** One breakdown: the "now" counts and the period's compliance (every clock kind) and median resolution. */
  private lignes(axe: Axe, ouverts: any[], periodeRows: any[], resolution: string, libelles: Map<string, string>): LigneRepartition[] {
    const col = `${axe}_id`;
    const ids = new Set<string>([...ouverts.filter((r) => r.axe === axe).map((r) => r[col]), ...periodeRows.filter((r) => r.axe === axe).map((r) => r[col])]);
    return [...ids]
      .map((id) => {
        const o = ouverts.find((r) => r.axe === axe && r[col] === id);
        const p = periodeRows.filter((r) => r.axe === axe && r[col] === id);
        const termines = p.reduce((a, r) => a + r.termines, 0);
        const aTemps = p.reduce((a, r) => a + r.a_temps, 0);
        const res = p.find((r) => r.horloge === resolution);
        return {
          id: id === SANS_AFFECTATION ? null : id,
          libelle: id === SANS_AFFECTATION ? SANS_LIBELLE[axe] : libelles.get(id) ?? id,
          ouverts: o?.ouverts ?? 0,
          aRisque: o?.a_risque ?? 0,
          depasses: o?.depasses ?? 0,
          termines,
          aTemps,
          tauxPct: taux(aTemps, termines),
          medianeResolutionMinutesOuvrees: res ? arrondi(quantile(classesOf(res), 0.5, Number(res.max))) : null,
        };
      })
      .sort((a, b) => b.depasses - a.depasses || b.ouverts - a.ouverts || a.libelle.localeCompare(b.libelle, 'fr'));
  }

  /**
   * The open tickets now: counts, at risk, breached, aging; total and per direction, MdR,
   * référent. At risk as in /metrics (horlogeARisqueSql).
   */
  private maintenant(manager: EntityManager, flux: Flux, portee: PorteeTableau, now: Date, limites: Map<number, string>): Promise<any[]> {
    const p: unknown[] = [now, limites.get(1), limites.get(3), limites.get(5), limites.get(10)];
    const filtre = (colonnes: { maison: string; direction: string; referent: string }) => {
      const out: string[] = [];
      if (portee.perimetre.type === 'maison') out.push(`${colonnes.maison} = $${p.push(portee.perimetre.id)}`);
      if (portee.perimetre.type === 'direction') out.push(`${colonnes.direction} = $${p.push(portee.perimetre.id)}`);
      if (portee.referentId) out.push(`${colonnes.referent} = $${p.push(portee.referentId)}`);
      return out.map((c) => ` AND ${c}`).join('');
    };
    const ouverts =
      flux === 'question'
        ? `SELECT q.id AS cle, q.maison_id, COALESCE(q.direction_id, '${SANS_AFFECTATION}') AS direction_id,
                  COALESCE(q.referent_id, '${SANS_AFFECTATION}') AS referent_id, (q.created_at AT TIME ZONE 'Europe/Paris')::date AS jour
             FROM question q WHERE q.statut IN (${STATUTS_OUVERTS_SQL})${filtre({ maison: 'q.maison_id', direction: 'q.direction_id', referent: 'q.referent_id' })}`
        : `SELECT a.id AS cle, a.maison_id, COALESCE(c.emetteur_unite_id, '${SANS_AFFECTATION}') AS direction_id,
                  '${SANS_AFFECTATION}'::uuid AS referent_id, (c.emise_at AT TIME ZONE 'Europe/Paris')::date AS jour
             FROM affectation a JOIN commande c ON c.id = a.commande_id
            WHERE c.statut = 'emise' AND a.statut NOT IN ('validee', 'annulee')${filtre({ maison: 'a.maison_id', direction: 'c.emetteur_unite_id', referent: 'NULL' })}`;
    // Every open clock of the flux, in one pass of their partial index (a few thousand entries
    // whatever the history), joined by hash: cheaper than one lookup per open ticket.
    const cle = flux === 'question' ? 'h.ticket_id' : 'h.affectation_id';
    return manager.query(
      `WITH ouverts AS (${ouverts}),
            horloges AS (
              SELECT ${cle} AS cle, bool_or(h.etat = 'breached') AS depasse, bool_or(${horlogeARisqueSql('h', '$1')}) AS a_risque
                FROM sla_horloge h
               WHERE h.ticket_type = '${flux}' AND h.etat IN ('running', 'paused', 'breached')
               GROUP BY ${cle})
       SELECT CASE WHEN GROUPING(o.direction_id) = 0 THEN 'direction' WHEN GROUPING(o.maison_id) = 0 THEN 'maison'
                   WHEN GROUPING(o.referent_id) = 0 THEN 'referent' ELSE 'total' END AS axe,
              o.direction_id, o.maison_id, o.referent_id,
              count(*)::int AS ouverts,
              (count(*) FILTER (WHERE h.depasse))::int AS depasses,
              (count(*) FILTER (WHERE h.a_risque AND NOT h.depasse))::int AS a_risque,
              (count(*) FILTER (WHERE o.jour > $2::date))::int AS moins_1,
              (count(*) FILTER (WHERE o.jour <= $2::date AND o.jour > $3::date))::int AS de_1_a_3,
              (count(*) FILTER (WHERE o.jour <= $3::date AND o.jour > $4::date))::int AS de_3_a_5,
              (count(*) FILTER (WHERE o.jour <= $4::date AND o.jour > $5::date))::int AS de_5_a_10,
              (count(*) FILTER (WHERE o.jour <= $5::date))::int AS plus_de_10
         FROM ouverts o LEFT JOIN horloges h ON h.cle = o.cle
        GROUP BY GROUPING SETS ((), (o.direction_id), (o.maison_id), (o.referent_id))`,
      p,
    );
  }

  /**
   * The period's ended clocks from the roll-up: per clock kind, total and per direction, MdR and
   * référent from the period's whole months in the monthly level plus its edge days in the daily
   * one (ADR 0025): counts and histograms add up across levels as they do across days. The
   * weekly trend cannot come from months: its whole weeks come from the weekly level, the days of
   * its partial weeks from the daily one. The rows are first summed per (clock kind, direction,
   * MdR, référent), a few hundred groups hashed in memory, so that the grouping sets sort those
   * rather than every row read (which spilled to disk at a million).
   */
  private async periode(manager: EntityManager, flux: Flux, portee: PorteeTableau, periode: Periode): Promise<any[]> {
    const p: unknown[] = [flux];
    const scope: string[] = [];
    if (portee.perimetre.type === 'maison') scope.push(`maison_id = $${p.push(portee.perimetre.id)}`);
    if (portee.perimetre.type === 'direction') scope.push(`direction_id = $${p.push(portee.perimetre.id)}`);
    if (portee.referentId) scope.push(`referent_id = $${p.push(portee.referentId)}`);
    const filtre = scope.map((c) => ` AND ${c}`).join('');
    // The trend's own parameters: flux and perimeter (same numbers as in `filtre`), then its days and weeks.
    const t = [...p];
    const hebdo = this.niveauMensuel ? semainesDe(periode) : { jours: joursDe(periode), semaines: null };
    const tendance: string[] = [];
    if (hebdo.jours.length > 0)
      tendance.push(`SELECT date_trunc('week', jour)::date AS semaine, termines, a_temps FROM tdb_sla_jour WHERE flux = $1 AND jour = ANY($${t.push(hebdo.jours)}::date[])${filtre}`);
    if (hebdo.semaines)
      tendance.push(
        `SELECT semaine, termines, a_temps FROM tdb_sla_semaine WHERE flux = $1 AND semaine BETWEEN $${t.push(hebdo.semaines.du)}::date AND $${t.push(hebdo.semaines.au)}::date${filtre}`,
      );
    const { jours, mois } = this.niveauMensuel ? niveauxDe(periode) : { jours: joursDe(periode), mois: null };
    const colonnes = `horloge, direction_id, maison_id, referent_id, minutes_max, ${COLONNES_SOMMEES.join(', ')}`;
    const sources: string[] = [];
    if (jours.length > 0) sources.push(`SELECT ${colonnes} FROM tdb_sla_jour WHERE flux = $1 AND jour = ANY($${p.push(jours)}::date[])${filtre}`);
    if (mois) sources.push(`SELECT ${colonnes} FROM tdb_sla_mois WHERE flux = $1 AND mois BETWEEN $${p.push(mois.du)}::date AND $${p.push(mois.au)}::date${filtre}`);
    const [cumuls, semaines] = await Promise.all([
      manager.query(
        `SELECT horloge,
                CASE WHEN GROUPING(direction_id) = 0 THEN 'direction' WHEN GROUPING(maison_id) = 0 THEN 'maison'
                     WHEN GROUPING(referent_id) = 0 THEN 'referent' ELSE 'total' END AS axe,
                direction_id, maison_id, referent_id,
                sum(termines)::int AS termines, sum(a_temps)::int AS a_temps, max(minutes_max) AS max,
                sum(minutes_maison) AS mm, sum(minutes_siege) AS ms, sum(minutes_usager) AS mu, sum(minutes_cabinet) AS mc,
                ${COLONNES_CLASSES.map((c) => `sum(${c})::int AS ${c}`).join(', ')}
           FROM (SELECT horloge, direction_id, maison_id, referent_id, max(minutes_max) AS minutes_max,
                        ${COLONNES_SOMMEES.map((c) => `sum(${c}) AS ${c}`).join(', ')}
                   FROM (${sources.join(' UNION ALL ')}) s
                  GROUP BY horloge, direction_id, maison_id, referent_id) t
          GROUP BY GROUPING SETS ((horloge), (horloge, direction_id), (horloge, maison_id), (horloge, referent_id))`,
        p,
      ),
      manager.query(
        `SELECT 'semaine' AS axe, semaine::text AS semaine, sum(termines)::int AS termines, sum(a_temps)::int AS a_temps
           FROM (${tendance.join(' UNION ALL ')}) t GROUP BY semaine`,
        t,
      ),
    ]);
    return [...cumuls, ...semaines];
  }

  /** Names of the directions, MdRs and référents that appear. */
  private async libelles(manager: EntityManager, ...sets: any[][]): Promise<Map<string, string>> {
    const ids = (col: string) => [...new Set(sets.flat().map((r) => r[col]).filter((v) => v && v !== SANS_AFFECTATION))];
    const [d, m, u] = await Promise.all([
      manager.query(`SELECT id, nom AS libelle FROM direction WHERE id = ANY($1::uuid[])`, [ids('direction_id')]),
      manager.query(`SELECT id, nom AS libelle FROM maison WHERE id = ANY($1::uuid[])`, [ids('maison_id')]),
      manager.query(`SELECT id, display_name AS libelle FROM users WHERE id = ANY($1::uuid[])`, [ids('referent_id')]),
    ]);
    return new Map([...d, ...m, ...u].map((r: { id: string; libelle: string }) => [r.id, r.libelle]));
  }
}

/** A question is open until it is closed or answered by the MdR itself. */
export const STATUTS_OUVERTS = ['recue', 'escaladee', 'prise_en_charge', 'en_attente_info', 'repondue', 'rouverte'] as const;
const STATUTS_OUVERTS_SQL = STATUTS_OUVERTS.map((s) => `'${s}'`).join(', ');

const SANS_LIBELLE: Record<Axe, string> = {
  total: '',
  semaine: '',
  direction: 'Sans direction (coordination du réseau ou Cabinet)',
  maison: 'Sans Maison',
  referent: 'Non prise en charge',
};

function classesOf(r: Record<string, unknown>): number[] {
  return COLONNES_CLASSES.map((c) => Number(r[c] ?? 0));
}

/** Every day of the period. */
function joursDe(periode: Periode): string[] {
  const out: string[] = [];
  for (let d = periode.du; d <= periode.au; d = lendemain(d)) out.push(d);
  return out;
}

/** The Mondays of the ISO weeks the period touches. */
function semaines(periode: Periode): string[] {
  const lundi = (day: string) => decaler(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));
  const out: string[] = [];
  for (let s = lundi(periode.du); s <= periode.au; s = decaler(s, 7)) out.push(s);
  return out;
}
