import { EntityManager } from 'typeorm';
import { AuthContext, isMdrRole } from '@app/core';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Is the caller's Maison a correspondent for this thème or this dispositif's thème? Only MdR
 * staff read through a spécialisation: anyone else, false without a query.
 */
export async function correspondantDuTheme(db: Queryable, ctx: AuthContext, themeId: string | null, dispositifId: string | null): Promise<boolean> {
  if (!isMdrRole(ctx.role) || ctx.perimetre !== 'maison' || !ctx.maisonId || (!themeId && !dispositifId)) return false;
  const rows = await db.query(
    `SELECT 1 FROM specialisation s
      WHERE s.maison_id = $1
        AND (s.theme_id = $2::uuid OR s.theme_id = (SELECT d.theme_id FROM dispositif d WHERE d.id = $3::uuid))
      LIMIT 1`,
    [ctx.maisonId, themeId, dispositifId],
  );
  return rows.length > 0;
}
