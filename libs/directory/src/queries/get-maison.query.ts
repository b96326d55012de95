import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAISON_SELECT } from './directory.sql';
import type { MaisonView } from './directory.views';

/** One MdR; null when absent. */
export class GetMaisonQuery extends Query<MaisonView | null> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetMaisonQuery)
export class GetMaisonHandler implements IQueryHandler<GetMaisonQuery, MaisonView | null> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ id }: GetMaisonQuery): Promise<MaisonView | null> {
    const [maison] = await this.dataSource.query(`${MAISON_SELECT} WHERE m.id = $1`, [id]);
    return maison ?? null;
  }
}
