import { DataSource, EntityManager } from 'typeorm';
import { buildDemoDirectory } from './demo-directory';
import type { DemoDirectory, SeedCount, SeedReport } from './seed-rows';

/** Serialises concurrent seeds (the API and the worker may start together on a fresh database). */
const SEED_LOCK = 'relais:seed-demo';

/**
 * Loads the demo directory of the Occitanie network in one transaction. Idempotent: rows are
 * upserted by natural key (`code`, `email`, referent's user) and only rewritten when a value
 * differs, links are only added, so a second run changes no row (not even `updated_at`).
 * Plain SQL on purpose: it runs from the CLI and the test setup, whose DataSource has no entities.
 */
export async function seedDemoData(dataSource: DataSource, demo: DemoDirectory = buildDemoDirectory()): Promise<SeedReport> {
  return dataSource.transaction(async (em) => {
    await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SEED_LOCK]);

    const maisons = await upsert(em, MAISON, demo.maisons);
    const directions = await upsert(em, DIRECTION, demo.directions);
    const themes = await upsert(
      em,
      THEME,
      demo.themes.map((t) => ({ code: t.code, libelle: t.libelle, directionId: idOf(directions, t.directionCode) })),
    );
    const dispositifs = await upsert(
      em,
      DISPOSITIF,
      demo.dispositifs.map(({ themeCode, directionCode, ...d }) => ({
        ...d,
        themeId: idOf(themes, themeCode),
        directionId: idOf(directions, directionCode),
      })),
    );
    const users = await upsert(
      em,
      USER,
      demo.users.map(({ maisonCode, directionCode, ...u }) => ({
        ...u,
        maisonId: maisonCode ? idOf(maisons, maisonCode) : null,
        directionId: directionCode ? idOf(directions, directionCode) : null,
      })),
    );
    const referents = await upsert(
      em,
      REFERENT,
      demo.referents.map((r) => ({ userId: idOf(users, r.email), directionId: idOf(directions, r.directionCode) })),
    );
    const referentOf = (email: string) => idOf(referents, idOf(users, email));

    return {
      maisons: maisons.count,
      directions: directions.count,
      themes: themes.count,
      dispositifs: dispositifs.count,
      users: users.count,
      referents: referents.count,
      referentDispositifs: await link(
        em,
        'referent_dispositif',
        ['referent_id', 'dispositif_id'],
        demo.referents.flatMap((r) => r.dispositifCodes.map((code) => [referentOf(r.email), idOf(dispositifs, code)] as const)),
      ),
      referentThemes: await link(
        em,
        'referent_theme',
        ['referent_id', 'theme_id'],
        demo.referents.flatMap((r) => r.themeCodes.map((code) => [referentOf(r.email), idOf(themes, code)] as const)),
      ),
      specialisations: await link(
        em,
        'specialisation',
        ['maison_id', 'theme_id'],
        demo.specialisations.map((s) => [idOf(maisons, s.maisonCode), idOf(themes, s.themeCode)] as const),
      ),
    };
  });
}

/** A table the seed upserts: its natural key and the PostgreSQL type of each seeded property. */
interface Table {
  name: string;
  key: string;
  columns: Record<string, string>;
  /** Bumped only when a value really changed, so a re-run leaves it alone. */
  hasUpdatedAt: boolean;
}

const SOURCED = { source: 'text', verifie: 'boolean', note: 'text' };

const MAISON: Table = {
  name: 'maison',
  key: 'code',
  columns: {
    code: 'text',
    nom: 'text',
    ville: 'text',
    departementCode: 'text',
    departementNom: 'text',
    type: 'text',
    adresse: 'text',
    horaires: 'text',
    ...SOURCED,
  },
  hasUpdatedAt: true,
};

const DIRECTION: Table = {
  name: 'direction',
  key: 'code',
  columns: { code: 'text', sigle: 'text', nom: 'text', type: 'text', historique: 'boolean', ...SOURCED },
  hasUpdatedAt: true,
};

const THEME: Table = {
  name: 'theme',
  key: 'code',
  columns: { code: 'text', libelle: 'text', directionId: 'uuid' },
  hasUpdatedAt: false,
};

const DISPOSITIF: Table = {
  name: 'dispositif',
  key: 'code',
  columns: {
    code: 'text',
    nom: 'text',
    themeId: 'uuid',
    directionId: 'uuid',
    publicVise: 'text',
    description: 'text',
    motsCles: 'text[]',
    historique: 'boolean',
    ...SOURCED,
  },
  hasUpdatedAt: true,
};

/** `actif` is left out on purpose: re-seeding must not reactivate an account someone switched off. */
const USER: Table = {
  name: 'users',
  key: 'email',
  columns: {
    email: 'text',
    displayName: 'text',
    fonction: 'text',
    role: 'text',
    perimetre: 'text',
    maisonId: 'uuid',
    directionId: 'uuid',
    telephone: 'text',
  },
  hasUpdatedAt: true,
};

const REFERENT: Table = {
  name: 'referent',
  key: 'userId',
  columns: { userId: 'uuid', directionId: 'uuid' },
  hasUpdatedAt: false,
};

interface Upserted {
  /** Natural key → id. */
  ids: Map<string, string>;
  count: SeedCount;
}

const snake = (property: string) => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * INSERT … ON CONFLICT (key) DO UPDATE … WHERE something differs. The statement text comes from
 * the constant table specs above, never from data; the rows travel as one jsonb parameter.
 */
async function upsert(em: EntityManager, table: Table, rows: object[]): Promise<Upserted> {
  const properties = Object.keys(table.columns);
  const updatable = properties.filter((p) => p !== table.key).map(snake);
  const set = updatable.map((c) => `${c} = EXCLUDED.${c}`);
  if (table.hasUpdatedAt) set.push('updated_at = now()');
  const keyColumn = snake(table.key);

  const written: Array<{ inserted: boolean }> = await em.query(
    `INSERT INTO ${table.name} AS t (${properties.map(snake).join(', ')})
     SELECT ${properties.map((p) => `x."${p}"`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS x(${properties.map((p) => `"${p}" ${table.columns[p]}`).join(', ')})
     ON CONFLICT (${keyColumn}) DO UPDATE SET ${set.join(', ')}
      WHERE (${updatable.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows)],
  );

  const keys = rows.map((row) => String((row as Record<string, unknown>)[table.key]));
  const found: Array<{ id: string; key: string }> = await em.query(
    `SELECT id, ${keyColumn}::text AS key FROM ${table.name} WHERE ${keyColumn} = ANY($1::${table.columns[table.key]}[])`,
    [keys],
  );
  const inserted = written.filter((w) => w.inserted).length;
  return {
    ids: new Map(found.map((f) => [f.key, f.id])),
    count: { seeded: rows.length, inserted, updated: written.length - inserted },
  };
}

/** Adds the missing (left, right) pairs of a link table; existing ones are left untouched. */
async function link(em: EntityManager, table: string, [left, right]: [string, string], pairs: ReadonlyArray<readonly [string, string]>): Promise<SeedCount> {
  const inserted: unknown[] = await em.query(
    `INSERT INTO ${table} (${left}, ${right})
     SELECT * FROM unnest($1::uuid[], $2::uuid[])
     ON CONFLICT DO NOTHING
     RETURNING 1`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  return { seeded: pairs.length, inserted: inserted.length, updated: 0 };
}

function idOf(upserted: Upserted, key: string): string {
  const id = upserted.ids.get(key);
  if (!id) throw new Error(`Seed: no row for key « ${key} »`);
  return id;
}
