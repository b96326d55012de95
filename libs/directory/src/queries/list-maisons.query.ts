import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAISON_SELECT } from './directory.sql';
import type { MaisonView } from './directory.views';

/** Every MdR and bureau territorial, by département. */
export class ListMaisonsQuery extends Query<MaisonView[]> {}

@QueryHandler(ListMaisonsQuery)
export class ListMaisonsHandler implements IQueryHandler<ListMaisonsQuery, MaisonView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute(): Promise<MaisonView[]> {
    return this.dataSource.query(`${MAISON_SELECT} ORDER BY m.departement_code, m.nom, m.id`);
  }
}
