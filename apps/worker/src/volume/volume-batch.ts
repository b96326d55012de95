import { ClientBase } from 'pg';

type PgType = 'uuid' | 'text' | 'int' | 'float8' | 'bool' | 'timestamptz' | 'jsonb';

/** The tables a question's life writes, with the columns the generator fills (others keep their default). */
export const VOLUME_TABLES = {
  question: {
    id: 'uuid', reference: 'text', maison_id: 'uuid', objet: 'text', description: 'text', canal: 'text', priorite: 'text',
    dispositif_id: 'uuid', theme_id: 'uuid', statut: 'text', direction_id: 'uuid', referent_id: 'uuid', reponse: 'text', issue: 'text',
    created_by: 'uuid', created_at: 'timestamptz', updated_at: 'timestamptz', escaladee_at: 'timestamptz', closed_at: 'timestamptz', version: 'int',
    fil_seq: 'int', fil_hash: 'text', fil_mac: 'text', fil_cle: 'text',
  },
  question_usager: {
    question_id: 'uuid', nom: 'text', organisation: 'text', email: 'text', telephone: 'text', consentement: 'bool', consenti_le: 'timestamptz', anonymise_le: 'timestamptz',
  },
  question_detention: { id: 'uuid', question_id: 'uuid', direction_id: 'uuid', depuis: 'timestamptz', jusqu_a: 'timestamptz', created_at: 'timestamptz' },
  question_acces_direction: { direction_id: 'uuid', question_created_at: 'timestamptz', question_id: 'uuid' },
  timeline_event: {
    id: 'uuid', ticket_type: 'text', ticket_id: 'uuid', seq: 'int', type: 'text', at: 'timestamptz', acteur_id: 'uuid', acteur_nom: 'text', acteur_role: 'text',
    visibilite: 'text', unite_type: 'text', unite_id: 'uuid', data: 'jsonb', hash: 'text', previous_hash: 'text', cle: 'text', format: 'int',
  },
  sla_horloge: {
    id: 'uuid', ticket_type: 'text', ticket_id: 'uuid', affectation_id: 'uuid', horloge: 'text', cycle: 'int', etat: 'text', cible_minutes: 'float8',
    seuil_pct: 'int', politique_id: 'uuid', politique_version: 'int', calendrier_id: 'text', consomme_minutes: 'float8', segment_depuis: 'timestamptz',
    echeance: 'timestamptz', avertissement_a: 'timestamptz', generation: 'int', demarree_a: 'timestamptz', avertie_a: 'timestamptz',
    depassee_a: 'timestamptz', atteinte_a: 'timestamptz', version: 'int', created_at: 'timestamptz',
  },
  sla_detention: { id: 'uuid', horloge_id: 'uuid', detenteur_type: 'text', detenteur_id: 'uuid', depuis: 'timestamptz', jusqu_a: 'timestamptz', minutes: 'float8' },
  sla_declenchement: { horloge_id: 'uuid', generation: 'int', type: 'text', at: 'timestamptz', retard_ms: 'int' },
  sla_curseur: { ticket_type: 'text', ticket_id: 'uuid', seq: 'int' },
} as const satisfies Record<string, Record<string, PgType>>;

export type VolumeTable = keyof typeof VOLUME_TABLES;
export type Row<T extends VolumeTable> = { [C in keyof (typeof VOLUME_TABLES)[T]]: string | number | boolean | null };

const NAMES = Object.fromEntries(Object.entries(VOLUME_TABLES).map(([t, spec]) => [t, Object.keys(spec)])) as Record<VolumeTable, string[]>;
const TEXTUAL = new Set<PgType>(['text', 'jsonb']);

/**
 * One element of a PostgreSQL array literal: NULL, a bare token (uuids, numbers, ISO instants,
 * booleans never need quoting), or a quoted string with `\` and `"` escaped. Building the literal
 * here spares pg's per-element conversion, the generator's largest cost after hashing.
 */
function element(value: unknown, textual: boolean): string {
  if (value === null || value === undefined) return 'NULL';
  if (!textual) return String(value);
  const s = String(value);
  return `"${/["\\]/.test(s) ? s.replace(/["\\]/g, '\\$&') : s}"`;
}

/** Column-wise buffers of one batch, flushed with one INSERT … SELECT FROM unnest(…) per table. */
export class VolumeBatch {
  private readonly columns = new Map<VolumeTable, string[][]>();
  private readonly counts = new Map<VolumeTable, number>();
  questions = 0;

  constructor() {
    for (const table of Object.keys(VOLUME_TABLES) as VolumeTable[]) {
      this.columns.set(table, NAMES[table].map(() => []));
      this.counts.set(table, 0);
    }
  }

  push<T extends VolumeTable>(table: T, row: Row<T>): void {
    const cols = this.columns.get(table)!;
    const names = NAMES[table];
    const spec = VOLUME_TABLES[table] as Record<string, PgType>;
    for (let i = 0; i < names.length; i++) cols[i].push(element((row as Record<string, unknown>)[names[i]], TEXTUAL.has(spec[names[i]])));
    this.counts.set(table, this.counts.get(table)! + 1);
  }

  rowCounts(): Record<VolumeTable, number> {
    return Object.fromEntries(this.counts) as Record<VolumeTable, number>;
  }

  /**
   * Inserts every buffered row, tables in foreign-key order: in a transaction of its own, or in
   * the caller's (`ownTransaction` false).
   */
  async flush(client: ClientBase, ownTransaction: boolean): Promise<void> {
    if (ownTransaction) await client.query('BEGIN');
    try {
      for (const table of Object.keys(VOLUME_TABLES) as VolumeTable[]) {
        if (this.counts.get(table) === 0) continue;
        const spec = VOLUME_TABLES[table] as Record<string, PgType>;
        const names = NAMES[table];
        await client.query(
          `INSERT INTO ${table} (${names.join(', ')}) SELECT * FROM unnest(${names.map((n, i) => `$${i + 1}::${spec[n]}[]`).join(', ')})`,
          this.columns.get(table)!.map((values) => `{${values.join(',')}}`),
        );
      }
      if (ownTransaction) await client.query('COMMIT');
    } catch (error) {
      if (ownTransaction) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
