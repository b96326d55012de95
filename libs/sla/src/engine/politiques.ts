import { EntityManager } from 'typeorm';
import type { Horloge } from '../persistence/sla.entities';

export interface PolitiqueChoisie {
  id: string;
  version: number;
  cibleMinutes: number;
  seuilPct: number;
}

/**
 * The active policy for a clock: among those of the flow and clock kind whose optional criteria
 * all match, the most specific (direction, then thème, then priority) wins.
 */
export async function choisirPolitique(
  manager: EntityManager,
  criteres: { flux: 'question' | 'commande'; horloge: Horloge; priorite: string | null; directionId: string | null; themeId: string | null },
): Promise<PolitiqueChoisie | null> {
  const [row] = await manager.query(
    `SELECT id, version, cible_minutes, seuil_pct FROM sla_politique
      WHERE actif AND flux = $1 AND horloge = $2
        AND (priorite IS NULL OR priorite = $3)
        AND (direction_id IS NULL OR direction_id = $4)
        AND (theme_id IS NULL OR theme_id = $5)
      ORDER BY (direction_id IS NOT NULL)::int * 4 + (theme_id IS NOT NULL)::int * 2 + (priorite IS NOT NULL)::int DESC, updated_at DESC
      LIMIT 1`,
    [criteres.flux, criteres.horloge, criteres.priorite, criteres.directionId, criteres.themeId],
  );
  return row ? { id: row.id, version: row.version, cibleMinutes: Number(row.cible_minutes), seuilPct: row.seuil_pct } : null;
}
