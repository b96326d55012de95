import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@app/core';
import { DISPOSITIF_SELECT } from '../queries/directory.sql';
import type { DispositifView } from '../queries/directory.views';

export interface DispositifOrphelinView extends DispositifView {
  /** The last answer (`question.repondue`) by anyone of the owning direction, any dispositif; null if none ever. */
  derniereReponseDirection: string | null;
}

export class ListOrphelinsQuery extends Query<DispositifOrphelinView[]> {
  constructor(
    readonly semaines: number,
    /** Defaults to the application's clock. */
    readonly now?: Date,
  ) {
    super();
  }
}

/**
 * Orphan (ADR 0014): the owning direction has no référent who is an active user now, and no
 * question escalated to that direction was answered in the last N weeks. Deactivation dates
 * are not recorded, so the last answer is what bounds "for N weeks". Closed dispositifs
 * (`historique`) are left out: nobody needs to answer for them.
 */
@QueryHandler(ListOrphelinsQuery)
export class ListOrphelinsHandler implements IQueryHandler<ListOrphelinsQuery, DispositifOrphelinView[]> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  execute({ semaines, now }: ListOrphelinsQuery): Promise<DispositifOrphelinView[]> {
    // The candidates first (no active référent: a handful), then the last answer of each of
    // their directions only, through the questions each direction held (question_acces_direction,
    // its primary key) still held by it, and each one's answer (idx_timeline_event_reponse):
    // never a pass over every question and event.
    return this.dataSource.query(
      `WITH candidats AS (
         ${DISPOSITIF_SELECT}
          WHERE NOT d.historique
            AND NOT EXISTS (SELECT 1 FROM referent r JOIN users u ON u.id = r.user_id AND u.actif
                             WHERE r.direction_id = d.direction_id)
       ), derniere AS MATERIALIZED (
         -- Materialized: once per direction, not once per candidate dispositif.
         SELECT c.direction_id, m.at
           FROM (SELECT DISTINCT (direction->>'id')::uuid AS direction_id FROM candidats) c
          CROSS JOIN LATERAL (SELECT max(e.at) AS at
                                FROM question_acces_direction a
                                JOIN question q ON q.id = a.question_id AND q.direction_id = a.direction_id
                                JOIN timeline_event e ON e.ticket_type = 'question' AND e.ticket_id = q.id AND e.type = 'question.repondue'
                               WHERE a.direction_id = c.direction_id) m
       )
       SELECT x.*, to_char(dr.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "derniereReponseDirection"
         FROM candidats x
         JOIN derniere dr ON dr.direction_id = (x.direction->>'id')::uuid
        WHERE dr.at IS NULL OR dr.at < $1::timestamptz - make_interval(weeks => $2::int)
        ORDER BY x.direction->>'nom', x.nom, x.id`,
      [now ?? this.clock.now(), semaines],
    );
  }
}
