import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/core';
import { directionRef, dispositifRef } from '../queries/directory.sql';
import type { DirectionRef, DispositifRef } from '../queries/directory.views';

/** One person who answered questions on a dispositif, from the questions' timeline. */
export interface ReferentHistoriqueView {
  /** The référent's directory id; null when the answerer is no longer (or never was) in the directory. */
  referentId: string | null;
  userId: string;
  displayName: string;
  email: string | null;
  telephone: string | null;
  direction: DirectionRef | null;
  /** An active user who is a référent of the dispositif's owning direction now: the only ones suggested. */
  actif: boolean;
  reponses: number;
  /** Median wall-clock hours from the (last) escalation to the answer, one decimal. */
  delaiMedianHeures: number | null;
  derniereReponse: string;
}

export interface DispositifHistoriqueView {
  dispositif: DispositifRef & { direction: DirectionRef };
  mois: number;
  depuis: string;
  referents: ReferentHistoriqueView[];
}

/**
 * Who actually answered: every `question.repondue` event of the dispositif's questions in the
 * window, grouped by its actor. The actor of the event is the person who answered (the
 * question's `referent_id` keeps the one escalated to, who may not be the one who answered).
 * The delay runs from the latest `question.escaladee`/`question.reorientee` before the answer.
 */
export const REFERENTS_HISTORIQUE_SQL = `
  WITH reponses AS (
    SELECT e.acteur_id AS user_id, e.acteur_nom, e.at,
           (SELECT max(s.at) FROM timeline_event s
             WHERE s.ticket_type = 'question' AND s.ticket_id = e.ticket_id AND s.seq < e.seq
               AND s.type IN ('question.escaladee', 'question.reorientee')) AS escalade_at
      FROM question q
      JOIN timeline_event e ON e.ticket_type = 'question' AND e.ticket_id = q.id AND e.type = 'question.repondue'
     WHERE q.dispositif_id = $1 AND e.at >= $2 AND e.acteur_id IS NOT NULL
  ), parts AS (
    SELECT user_id, max(acteur_nom) AS acteur_nom, count(*)::int AS reponses, max(at) AS derniere,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - escalade_at) / 3600.0)
             FILTER (WHERE escalade_at IS NOT NULL) AS mediane
      FROM reponses GROUP BY user_id
  )
  SELECT r.id AS "referentId", p.user_id AS "userId", COALESCE(u.display_name, p.acteur_nom) AS "displayName",
         u.email, u.telephone,
         CASE WHEN dir.id IS NULL THEN NULL ELSE ${directionRef('dir')} END AS direction,
         (COALESCE(u.actif, false) AND r.direction_id IS NOT DISTINCT FROM d.direction_id) AS actif,
         p.reponses, round(p.mediane::numeric, 1)::float8 AS "delaiMedianHeures",
         to_char(p.derniere AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "derniereReponse"
    FROM parts p
    JOIN dispositif d ON d.id = $1
    LEFT JOIN users u ON u.id = p.user_id
    LEFT JOIN referent r ON r.user_id = p.user_id
    LEFT JOIN direction dir ON dir.id = r.direction_id
   ORDER BY p.reponses DESC, p.mediane ASC NULLS LAST, "displayName", p.user_id`;

export class ReferentsHistoriqueQuery extends Query<DispositifHistoriqueView | null> {
  constructor(
    readonly dispositifId: string,
    readonly mois: number,
    /** Defaults to the application's clock. */
    readonly now?: Date,
  ) {
    super();
  }
}

export function windowStart(now: Date, mois: number): Date {
  const depuis = new Date(now);
  depuis.setUTCMonth(depuis.getUTCMonth() - mois);
  return depuis;
}

@QueryHandler(ReferentsHistoriqueQuery)
export class ReferentsHistoriqueHandler implements IQueryHandler<ReferentsHistoriqueQuery, DispositifHistoriqueView | null> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async execute({ dispositifId, mois, now }: ReferentsHistoriqueQuery): Promise<DispositifHistoriqueView | null> {
    const [dispositif] = await this.dataSource.query(
      `SELECT ${dispositifRef('d')}::jsonb || jsonb_build_object('direction', ${directionRef('dir')}) AS v
         FROM dispositif d JOIN direction dir ON dir.id = d.direction_id WHERE d.id = $1`,
      [dispositifId],
    );
    if (!dispositif) return null;
    const depuis = windowStart(now ?? this.clock.now(), mois);
    const referents = await this.dataSource.query(REFERENTS_HISTORIQUE_SQL, [dispositifId, depuis]);
    return { dispositif: dispositif.v, mois, depuis: depuis.toISOString(), referents };
  }
}
