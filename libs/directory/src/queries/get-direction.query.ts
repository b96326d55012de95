import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dispositifRef, themeRef } from './directory.sql';
import type { DirectionDetailView } from './directory.views';

/** One direction with the thèmes and dispositifs it owns; null when absent. */
export class GetDirectionQuery extends Query<DirectionDetailView | null> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetDirectionQuery)
export class GetDirectionHandler implements IQueryHandler<GetDirectionQuery, DirectionDetailView | null> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ id }: GetDirectionQuery): Promise<DirectionDetailView | null> {
    const [direction] = await this.dataSource.query(
      `SELECT d.id, d.code, d.sigle, d.nom, d.type, d.historique, d.verifie, d.source, d.note,
              COALESCE((SELECT json_agg(${themeRef('t')} ORDER BY t.libelle)
                          FROM theme t WHERE t.direction_id = d.id), '[]') AS themes,
              COALESCE((SELECT json_agg(${dispositifRef('x')} ORDER BY x.historique, x.nom)
                          FROM dispositif x WHERE x.direction_id = d.id), '[]') AS dispositifs
         FROM direction d
        WHERE d.id = $1`,
      [id],
    );
    return direction ?? null;
  }
}
