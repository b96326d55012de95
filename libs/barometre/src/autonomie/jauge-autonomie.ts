import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, ValidationFailedError } from '@app/core';
import { ouvrirTableau } from '@app/dashboards';
import { CalendarRegistry } from '@app/sla';

/** The gauge's figures for one line (an MdR, a dispositif, a month or the whole perimeter). */
export interface ChiffresAutonomie {
  /** Questions received in the period answered at the desk (never escalated, an answer given). */
  reponduesLocalement: number;
  /** Questions received in the period escalated to the siège. */
  escaladees: number;
  /**
   * Of the escalated ones, those escalated although a published answer of the same dispositif,
   * not withdrawn, had been published before the escalation (ADR 0021).
   */
  escaladeesAvecReponsePubliee: number;
  /** reponduesLocalement / (reponduesLocalement + escaladees) in %, one decimal; null without question. */
  tauxAutonomiePct: number | null;
}

export interface ChiffresAutonomieTendance extends ChiffresAutonomie {
  /** The same rate over the previous period (the previous month for one month). */
  tauxAutonomiePrecedentPct: number | null;
  /** tauxAutonomiePct − tauxAutonomiePrecedentPct in points, one decimal; null when either is null. */
  tendancePts: number | null;
}

export interface LigneJaugeMaison extends ChiffresAutonomieTendance {
  maisonId: string;
  libelle: string;
}

export interface LigneJaugeDispositif extends ChiffresAutonomieTendance {
  /** null: questions given no dispositif. */
  dispositifId: string | null;
  libelle: string;
}

export interface LigneJaugeMois extends ChiffresAutonomieTendance {
  /** 'YYYY-MM', Europe/Paris. */
  mois: string;
}

/** One MdR's figures on one dispositif for one month (the finest grain, for the CSV and drill-downs). */
export interface DetailJauge extends ChiffresAutonomie {
  mois: string;
  maisonId: string;
  dispositifId: string | null;
}

export interface JaugeAutonomie {
  perimetre: { type: string; id: string | null; libelle: string };
  /** First and last month of the period, 'YYYY-MM' (Europe/Paris). */
  du: string;
  au: string;
  /** The period the trend compares with: as many months, just before. */
  precedent: { du: string; au: string };
  genereA: string;
  total: ChiffresAutonomieTendance;
  mois: LigneJaugeMois[];
  maisons: LigneJaugeMaison[];
  dispositifs: LigneJaugeDispositif[];
  details: DetailJauge[];
}

export class GetJaugeAutonomieQuery extends Query<JaugeAutonomie> {
  constructor(
    readonly ctx: AuthContext,
    readonly params: { perimetre?: string; mois?: string; du?: string; au?: string },
  ) {
    super();
  }
}

export const SANS_DISPOSITIF_JAUGE = 'Sans dispositif';
/** Two years of months at most, like the other dashboards' periods. */
export const JAUGE_MAX_MOIS = 24;

const MOIS = /^\d{4}-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' shifted by n months. */
export function decalerMois(mois: string, n: number): string {
  const [y, m] = mois.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}

/** Months from du to au included (du <= au). */
export function moisEntre(du: string, au: string): string[] {
  const out: string[] = [];
  for (let m = du; m <= au; m = decalerMois(m, 1)) out.push(m);
  return out;
}

/** The months asked for: `mois` alone, or `du`..`au`; by default the current month (Paris). */
export function periodeMois(params: { mois?: string; du?: string; au?: string }, today: string): { du: string; au: string } {
  for (const field of ['mois', 'du', 'au'] as const) {
    const v = params[field];
    if (v !== undefined && !MOIS.test(v)) throw new ValidationFailedError([{ field, message: 'doit être un mois au format AAAA-MM.' }]);
  }
  if (params.mois && (params.du || params.au)) throw new ValidationFailedError([{ field: 'mois', message: 'ne se combine pas avec « du » et « au ».' }]);
  const courant = today.slice(0, 7);
  const au = params.mois ?? params.au ?? courant;
  const du = params.mois ?? params.du ?? au;
  if (du > au) throw new ValidationFailedError([{ field: 'du', message: 'doit être antérieur ou égal à « au ».' }]);
  if (decalerMois(du, JAUGE_MAX_MOIS - 1) < au) throw new ValidationFailedError([{ field: 'au', message: 'La période ne peut pas dépasser 24 mois.' }]);
  return { du, au };
}

const pct = (n: number, d: number): number | null => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

interface Compte {
  reponduesLocalement: number;
  escaladees: number;
  escaladeesAvecReponsePubliee: number;
}
const zero = (): Compte => ({ reponduesLocalement: 0, escaladees: 0, escaladeesAvecReponsePubliee: 0 });
const ajouter = (a: Compte, b: Compte) => {
  a.reponduesLocalement += b.reponduesLocalement;
  a.escaladees += b.escaladees;
  a.escaladeesAvecReponsePubliee += b.escaladeesAvecReponsePubliee;
};

export function chiffresAutonomie(c: Compte): ChiffresAutonomie {
  return { ...c, tauxAutonomiePct: pct(c.reponduesLocalement, c.reponduesLocalement + c.escaladees) };
}

export function avecTendance(c: Compte, precedent: Compte): ChiffresAutonomieTendance {
  const taux = pct(c.reponduesLocalement, c.reponduesLocalement + c.escaladees);
  const avant = pct(precedent.reponduesLocalement, precedent.reponduesLocalement + precedent.escaladees);
  return {
    ...c,
    tauxAutonomiePct: taux,
    tauxAutonomiePrecedentPct: avant,
    tendancePts: taux !== null && avant !== null ? Math.round((taux - avant) * 10) / 10 : null,
  };
}

/**
 * The autonomy gauge (issue 15, ADR 0021), computed from the questions, never surveyed: per MdR,
 * per dispositif and per month (of reception, Europe/Paris), the questions answered at the desk,
 * the escalated ones, and the escalated ones for which a published answer already existed. One
 * grouped read over the period and the previous one (idx_question_created, or
 * idx_question_maison_created for an MdR), each escalation probing idx_reponse_publiee_dispositif.
 * Who sees which perimeter is the dashboards' rule (libs/dashboards scope.ts).
 */
@QueryHandler(GetJaugeAutonomieQuery)
export class GetJaugeAutonomieHandler implements IQueryHandler<GetJaugeAutonomieQuery, JaugeAutonomie> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    readonly calendars: CalendarRegistry,
    readonly clock: Clock,
  ) {}

  async execute({ ctx, params }: GetJaugeAutonomieQuery): Promise<JaugeAutonomie> {
    const manager = this.dataSource.manager;
    const { portee, now, today } = await ouvrirTableau(manager, this, ctx, params.perimetre);
    const { du, au } = periodeMois(params, today);
    const n = moisEntre(du, au).length;
    const precedent = { du: decalerMois(du, -n), au: decalerMois(du, -1) };
    const { type, id } = portee.perimetre;
    const p: unknown[] = [`${precedent.du}-01`, `${decalerMois(au, 1)}-01`];
    if (id) p.push(id);
    const filtre = type === 'direction' ? ' AND d.direction_id = $3' : type === 'maison' ? ' AND q.maison_id = $3' : '';
    const rows: Array<{ mois: string; maison_id: string; maison: string; dispositif_id: string | null; dispositif: string | null } & Compte> = await this.dataSource.query(
      `SELECT to_char(q.created_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS mois,
              q.maison_id, m.nom AS maison, q.dispositif_id, d.nom AS dispositif,
              (count(*) FILTER (WHERE q.escaladee_at IS NULL AND q.reponse IS NOT NULL))::int AS "reponduesLocalement",
              (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL))::int AS escaladees,
              (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL AND EXISTS (
                 SELECT 1 FROM reponse_publiee rp
                  WHERE rp.dispositif_id = q.dispositif_id AND rp.retiree_le IS NULL AND rp.publiee_le < q.escaladee_at)))::int AS "escaladeesAvecReponsePubliee"
         FROM question q
         JOIN maison m ON m.id = q.maison_id
         LEFT JOIN dispositif d ON d.id = q.dispositif_id
        WHERE q.created_at >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')
          AND q.created_at < ($2::date::timestamp AT TIME ZONE 'Europe/Paris')${filtre}
        GROUP BY 1, q.maison_id, m.nom, q.dispositif_id, d.nom`,
      p,
    );

    const dans = (mois: string) => mois >= du;
    const total = { cur: zero(), prev: zero() };
    const parMois = new Map(moisEntre(precedent.du, au).map((m) => [m, zero()]));
    const maisons = new Map<string, { libelle: string; cur: Compte; prev: Compte }>();
    const dispositifs = new Map<string, { dispositifId: string | null; libelle: string; cur: Compte; prev: Compte }>();
    const details: DetailJauge[] = [];
    for (const r of rows) {
      const courant = dans(r.mois);
      ajouter(courant ? total.cur : total.prev, r);
      ajouter(parMois.get(r.mois)!, r);
      let mm = maisons.get(r.maison_id);
      if (!mm) maisons.set(r.maison_id, (mm = { libelle: r.maison, cur: zero(), prev: zero() }));
      ajouter(courant ? mm.cur : mm.prev, r);
      const key = r.dispositif_id ?? '';
      let dd = dispositifs.get(key);
      if (!dd) dispositifs.set(key, (dd = { dispositifId: r.dispositif_id, libelle: r.dispositif ?? SANS_DISPOSITIF_JAUGE, cur: zero(), prev: zero() }));
      ajouter(courant ? dd.cur : dd.prev, r);
      if (courant) {
        details.push({
          mois: r.mois,
          maisonId: r.maison_id,
          dispositifId: r.dispositif_id,
          ...chiffresAutonomie({ reponduesLocalement: r.reponduesLocalement, escaladees: r.escaladees, escaladeesAvecReponsePubliee: r.escaladeesAvecReponsePubliee }),
        });
      }
    }
    const actif = (c: Compte) => c.reponduesLocalement + c.escaladees > 0;
    const libelleMaison = new Map([...maisons].map(([k, v]) => [k, v.libelle]));
    details.sort(
      (a, b) =>
        a.mois.localeCompare(b.mois) ||
        libelleMaison.get(a.maisonId)!.localeCompare(libelleMaison.get(b.maisonId)!, 'fr') ||
        (a.dispositifId === null ? 1 : 0) - (b.dispositifId === null ? 1 : 0) ||
        (dispositifs.get(a.dispositifId ?? '')!.libelle.localeCompare(dispositifs.get(b.dispositifId ?? '')!.libelle, 'fr')),
    );
    return {
      perimetre: { type, id, libelle: portee.libelle },
      du,
      au,
      precedent,
      genereA: now.toISOString(),
      total: avecTendance(total.cur, total.prev),
      mois: moisEntre(du, au).map((m) => ({ mois: m, ...avecTendance(parMois.get(m)!, parMois.get(decalerMois(m, -1))!) })),
      maisons: [...maisons]
        .filter(([, v]) => actif(v.cur) || actif(v.prev))
        .sort(([, a], [, b]) => a.libelle.localeCompare(b.libelle, 'fr'))
        .map(([maisonId, v]) => ({ maisonId, libelle: v.libelle, ...avecTendance(v.cur, v.prev) })),
      dispositifs: [...dispositifs.values()]
        .filter((v) => actif(v.cur) || actif(v.prev))
        .sort((a, b) => b.cur.escaladees - a.cur.escaladees || (a.dispositifId === null ? 1 : 0) - (b.dispositifId === null ? 1 : 0) || a.libelle.localeCompare(b.libelle, 'fr'))
        .map((v) => ({ dispositifId: v.dispositifId, libelle: v.libelle, ...avecTendance(v.cur, v.prev) })),
      details: details.filter(actif),
    };
  }
}
