import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DIRECTION_ORDER, DIRECTION_SELECT } from './directory.sql';
import type { DirectionView } from './directory.views';

/** Directions and agencies, historical ones included (old questions still name them) and last. */
export class ListDirectionsQuery extends Query<DirectionView[]> {}

@QueryHandler(ListDirectionsQuery)
export class ListDirectionsHandler implements IQueryHandler<ListDirectionsQuery, DirectionView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute(): Promise<DirectionView[]> {
    return this.dataSource.query(`${DIRECTION_SELECT} ${DIRECTION_ORDER}`);
  }
}
