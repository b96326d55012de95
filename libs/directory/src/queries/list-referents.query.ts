import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { directionRef, dispositifRef, themeRef } from './directory.sql';
import type { ReferentView } from './directory.views';

export interface ReferentFilter {
  dispositifId?: string;
  themeId?: string;
  directionId?: string;
}

/** Active référents with what they answer for; the filters combine (AND). */
export class ListReferentsQuery extends Query<ReferentView[]> {
  constructor(readonly filter: ReferentFilter = {}) {
    super();
  }
}

@QueryHandler(ListReferentsQuery)
export class ListReferentsHandler implements IQueryHandler<ListReferentsQuery, ReferentView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute({ filter }: ListReferentsQuery): Promise<ReferentView[]> {
    return this.dataSource.query(
      `SELECT r.id, u.id AS "userId", u.display_name AS "displayName", u.email, u.telephone, u.fonction,
              ${directionRef('dir')} AS direction,
              COALESCE((SELECT json_agg(${dispositifRef('x')} ORDER BY x.historique, x.nom)
                          FROM referent_dispositif rd JOIN dispositif x ON x.id = rd.dispositif_id
                         WHERE rd.referent_id = r.id), '[]') AS dispositifs,
              COALESCE((SELECT json_agg(${themeRef('t')} ORDER BY t.libelle)
                          FROM referent_theme rt JOIN theme t ON t.id = rt.theme_id
                         WHERE rt.referent_id = r.id), '[]') AS themes
         FROM referent r
         JOIN users u ON u.id = r.user_id AND u.actif
         JOIN direction dir ON dir.id = r.direction_id
        WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM referent_dispositif rd WHERE rd.referent_id = r.id AND rd.dispositif_id = $1))
          AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM referent_theme rt WHERE rt.referent_id = r.id AND rt.theme_id = $2))
          AND ($3::uuid IS NULL OR r.direction_id = $3)
        ORDER BY dir.nom, u.display_name, r.id`,
      [filter.dispositifId ?? null, filter.themeId ?? null, filter.directionId ?? null],
    );
  }
}
