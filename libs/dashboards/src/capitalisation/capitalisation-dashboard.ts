import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock } from '@app/core';
import { CalendarRegistry } from '@app/sla';
import { decaler } from '../dates';
import { periodeDe } from '../periode';
import { ouvrirTableau } from '../scope';

/** The figures of one dispositif (or of the whole perimeter), ADR 0017. */
export interface ChiffresCapitalisation {
  /** Questions received in the period on the dispositif that were escalated to the siège. */
  escalations: number;
  /** FAQ entries published in the period on the dispositif, not withdrawn since. */
  reponsesPubliees: number;
  /** Questions received in the period answered at the desk (never escalated). */
  reponsesLocales: number;
  /** Of those, the ones answered by reusing a published answer or a similar question's answer. */
  reutilisations: number;
  /** reponsesPubliees / escalations, in %, one decimal; null without escalation (may exceed 100). */
  tauxCapitalisationPct: number | null;
  /** reutilisations / (reponsesLocales + escalations), in %, one decimal; null without question. */
  tauxReutilisationPct: number | null;
}

export interface LigneCapitalisation extends ChiffresCapitalisation {
  /** null: questions and answers given no dispositif. */
  dispositifId: string | null;
  libelle: string;
}

export interface TableauCapitalisation {
  perimetre: { type: string; id: string | null; libelle: string };
  du: string;
  au: string;
  genereA: string;
  total: ChiffresCapitalisation;
  dispositifs: LigneCapitalisation[];
}

export class GetTableauCapitalisationQuery extends Query<TableauCapitalisation> {
  constructor(
    readonly ctx: AuthContext,
    readonly params: { perimetre?: string; du?: string; au?: string },
  ) {
    super();
  }
}

/** A quarter by default: answers are published over weeks, not days. */
const PERIODE_CAPITALISATION_JOURS = 91;
export const SANS_DISPOSITIF = 'Sans dispositif';

const pct = (n: number, d: number): number | null => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

export function chiffres(c: Pick<ChiffresCapitalisation, 'escalations' | 'reponsesPubliees' | 'reponsesLocales' | 'reutilisations'>): ChiffresCapitalisation {
  return {
    ...c,
    tauxCapitalisationPct: pct(c.reponsesPubliees, c.escalations),
    tauxReutilisationPct: pct(c.reutilisations, c.reponsesLocales + c.escalations),
  };
}

/**
 * The capitalisation dashboard (ADR 0017), read live: the questions received in the period (the
 * period's questions, by their reception date, idx_question_created) and the answers published
 * in it (idx_reponse_publiee_dispositif). The perimeter decides the rows: the network sees every
 * dispositif, a direction the dispositifs it owns, an MdR its own questions and the answers
 * published from them. A référent sees their direction's table: publishing is the direction's work.
 */
@QueryHandler(GetTableauCapitalisationQuery)
export class GetTableauCapitalisationHandler implements IQueryHandler<GetTableauCapitalisationQuery, TableauCapitalisation> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    readonly calendars: CalendarRegistry,
    readonly clock: Clock,
  ) {}

  async execute({ ctx, params }: GetTableauCapitalisationQuery): Promise<TableauCapitalisation> {
    const manager = this.dataSource.manager;
    const { portee, now, today } = await ouvrirTableau(manager, this, ctx, params.perimetre);
    const periode = periodeDe({ du: params.du ?? (params.au ? undefined : decaler(today, -(PERIODE_CAPITALISATION_JOURS - 1))), au: params.au }, today);
    const p: unknown[] = [periode.du, periode.au];
    const dans = (col: string) => `${col} >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris') AND ${col} < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')`;
    const { type, id } = portee.perimetre;
    if (id) p.push(id);
    const filtreQuestions = type === 'direction' ? ' AND d.direction_id = $3' : type === 'maison' ? ' AND q.maison_id = $3' : '';
    const filtrePubliees =
      type === 'direction' ? ' AND d.direction_id = $3' : type === 'maison' ? ' AND EXISTS (SELECT 1 FROM question qs WHERE qs.id = rp.question_source_id AND qs.maison_id = $3)' : '';

    const [questions, publiees]: [any[], any[]] = await Promise.all([
      manager.query(
        `SELECT q.dispositif_id, d.nom,
                (count(*) FILTER (WHERE q.escaladee_at IS NOT NULL))::int AS escalations,
                (count(*) FILTER (WHERE q.escaladee_at IS NULL AND q.reponse IS NOT NULL))::int AS locales,
                (count(rr.question_id) FILTER (WHERE q.escaladee_at IS NULL AND q.reponse IS NOT NULL))::int AS reutilisations
           FROM question q
           LEFT JOIN dispositif d ON d.id = q.dispositif_id
           LEFT JOIN reponse_reutilisee rr ON rr.question_id = q.id
          WHERE ${dans('q.created_at')}${filtreQuestions}
          GROUP BY q.dispositif_id, d.nom`,
        p,
      ),
      manager.query(
        `SELECT rp.dispositif_id, d.nom, count(*)::int AS publiees
           FROM reponse_publiee rp
           LEFT JOIN dispositif d ON d.id = rp.dispositif_id
          WHERE rp.retiree_le IS NULL AND ${dans('rp.publiee_le')}${filtrePubliees}
          GROUP BY rp.dispositif_id, d.nom`,
        p,
      ),
    ]);

    const lignes = new Map<string, { dispositifId: string | null; libelle: string; escalations: number; reponsesPubliees: number; reponsesLocales: number; reutilisations: number }>();
    const ligne = (dispositifId: string | null, nom: string | null) => {
      const key = dispositifId ?? '';
      let l = lignes.get(key);
      if (!l) lignes.set(key, (l = { dispositifId, libelle: nom ?? SANS_DISPOSITIF, escalations: 0, reponsesPubliees: 0, reponsesLocales: 0, reutilisations: 0 }));
      return l;
    };
    for (const r of questions) Object.assign(ligne(r.dispositif_id, r.nom), { escalations: r.escalations, reponsesLocales: r.locales, reutilisations: r.reutilisations });
    for (const r of publiees) ligne(r.dispositif_id, r.nom).reponsesPubliees = r.publiees;

    const dispositifs = [...lignes.values()]
      .filter((l) => l.escalations + l.reponsesPubliees + l.reponsesLocales > 0)
      .sort((a, b) => b.escalations - a.escalations || (a.dispositifId === null ? 1 : 0) - (b.dispositifId === null ? 1 : 0) || a.libelle.localeCompare(b.libelle, 'fr'))
      .map((l) => ({ dispositifId: l.dispositifId, libelle: l.libelle, ...chiffres(l) }));
    const somme = (k: 'escalations' | 'reponsesPubliees' | 'reponsesLocales' | 'reutilisations') => dispositifs.reduce((a, l) => a + l[k], 0);
    return {
      perimetre: { type, id, libelle: portee.libelle },
      du: periode.du,
      au: periode.au,
      genereA: now.toISOString(),
      total: chiffres({ escalations: somme('escalations'), reponsesPubliees: somme('reponsesPubliees'), reponsesLocales: somme('reponsesLocales'), reutilisations: somme('reutilisations') }),
      dispositifs,
    };
  }
}
