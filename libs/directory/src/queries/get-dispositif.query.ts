import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DISPOSITIF_SELECT } from './directory.sql';
import type { DispositifView } from './directory.views';

/** One dispositif with its owner and référents; null when absent. */
export class GetDispositifQuery extends Query<DispositifView | null> {
  constructor(readonly id: string) {
    super();
  }
}

@QueryHandler(GetDispositifQuery)
export class GetDispositifHandler implements IQueryHandler<GetDispositifQuery, DispositifView | null> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ id }: GetDispositifQuery): Promise<DispositifView | null> {
    const [dispositif] = await this.dataSource.query(`${DISPOSITIF_SELECT} WHERE d.id = $1`, [id]);
    return dispositif ?? null;
  }
}
