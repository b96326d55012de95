import type { EntityManager } from 'typeorm';
import type { FieldError } from '@app/core';

/**
 * The thème and dispositif a request names, checked against the directory: one error per unknown
 * one, named by its field, for a 422 that lists them all (in the caller's transaction).
 */
export async function referencesInconnues(manager: EntityManager, refs: { themeId?: string | null; dispositifId?: string | null }): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (refs.dispositifId && (await manager.query(`SELECT 1 FROM dispositif WHERE id = $1`, [refs.dispositifId])).length === 0) {
    errors.push({ field: 'dispositifId', message: 'Ce dispositif n’existe pas dans l’annuaire.' });
  }
  if (refs.themeId && (await manager.query(`SELECT 1 FROM theme WHERE id = $1`, [refs.themeId])).length === 0) {
    errors.push({ field: 'themeId', message: 'Ce thème n’existe pas dans l’annuaire.' });
  }
  return errors;
}
