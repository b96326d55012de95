import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { correspondantsOf, directionRef } from './directory.sql';
import type { ThemeView } from './directory.views';

/** The thèmes with the direction that owns each (where a question without a dispositif goes) and their correspondent Maisons. */
export class ListThemesQuery extends Query<ThemeView[]> {}

@QueryHandler(ListThemesQuery)
export class ListThemesHandler implements IQueryHandler<ListThemesQuery, ThemeView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute(): Promise<ThemeView[]> {
    return this.dataSource.query(
      `SELECT t.id, t.code, t.libelle,
              CASE WHEN dir.id IS NULL THEN NULL ELSE ${directionRef('dir')} END AS direction,
              ${correspondantsOf('t.id')} AS correspondants
         FROM theme t
         LEFT JOIN direction dir ON dir.id = t.direction_id
        ORDER BY t.libelle, t.id`,
    );
  }
}
