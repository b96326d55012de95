import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '@app/core';

export interface DevUserView {
  email: string;
  displayName: string;
  role: Role;
  fonction: string | null;
  maisonId: string | null;
  maisonNom: string | null;
  directionId: string | null;
  directionNom: string | null;
}

/** The active users with their role and scope, for the development login page. */
export class ListDevUsersQuery extends Query<DevUserView[]> {}

@QueryHandler(ListDevUsersQuery)
export class ListDevUsersHandler implements IQueryHandler<ListDevUsersQuery, DevUserView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(): Promise<DevUserView[]> {
    return this.dataSource.query(
      `SELECT u.email, u.display_name AS "displayName", u.role, u.fonction,
              u.maison_id AS "maisonId", m.nom AS "maisonNom",
              u.direction_id AS "directionId", d.nom AS "directionNom"
         FROM users u
         LEFT JOIN maison m ON m.id = u.maison_id
         LEFT JOIN direction d ON d.id = u.direction_id
        WHERE u.actif
        ORDER BY array_position(ARRAY['agent_mdr','responsable_mdr','referent','cabinet','manager','admin']::varchar[], u.role),
                 m.nom NULLS FIRST, d.nom NULLS FIRST, u.display_name`,
    );
  }
}
