import { ClientBase } from 'pg';

/**
 * What pg_restore does for a bulk load: drop, in the caller's transaction, the indexes, keys and
 * foreign keys of the tables about to be filled (and the foreign keys pointing at them), and
 * return the statements that put them back, read from the catalog (names, partial indexes and
 * all). Built once over the loaded rows, an index costs a sort instead of millions of random
 * insertions into trees larger than the buffer cache; re-adding a foreign key validates every
 * row in one join. Run inside one transaction, a failure anywhere leaves the schema untouched.
 */
export async function dropIndexesFor(client: ClientBase, tables: string[]): Promise<string[]> {
  const { rows: foreignKeys } = await client.query(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS restore
       FROM pg_constraint c
      WHERE c.contype = 'f' AND (c.conrelid = ANY($1::regclass[]) OR c.confrelid = ANY($1::regclass[]))
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  const { rows: keys } = await client.query(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop,
            format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS restore
       FROM pg_constraint c
      WHERE c.contype IN ('p', 'u') AND c.conrelid = ANY($1::regclass[])
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  const { rows: indexes } = await client.query(
    `SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS drop, pg_get_indexdef(i.indexrelid) AS restore
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
      ORDER BY i.indexrelid::regclass::text`,
    [tables],
  );
  for (const { drop } of [...foreignKeys, ...keys, ...indexes]) await client.query(drop);
  return [...indexes, ...keys, ...foreignKeys].map((r: { restore: string }) => r.restore);
}
