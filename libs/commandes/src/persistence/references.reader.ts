import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ConstatAnnuaire } from '../domain/brief';

type Db = EntityManager | DataSource;

/** Reads the directory for what a brief points at (cross-context reads are SQL, ADR 0001). */
@Injectable()
export class ReferencesReader {
  /** Which of the given MdRs and thème the directory does not know; absent fields are not looked up. */
  async constater(db: Db, refs: { maisonIds?: readonly string[]; themeId?: string | null }): Promise<ConstatAnnuaire> {
    const maisonsInconnues = refs.maisonIds ? await this.maisonsInconnues(db, refs.maisonIds) : [];
    let themeInconnu = false;
    if (refs.themeId) themeInconnu = (await db.query(`SELECT 1 FROM theme WHERE id = $1`, [refs.themeId])).length === 0;
    return { maisonsInconnues, themeInconnu };
  }

  /** The ids that name no MdR of the directory. */
  async maisonsInconnues(db: Db, maisonIds: readonly string[]): Promise<string[]> {
    if (maisonIds.length === 0) return [];
    const known: Array<{ id: string }> = await db.query(`SELECT id FROM maison WHERE id = ANY($1::uuid[])`, [maisonIds]);
    const ids = new Set(known.map((m) => m.id.toLowerCase()));
    return [...new Set(maisonIds.filter((id) => !ids.has(id.toLowerCase())))];
  }
}
