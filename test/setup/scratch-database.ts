import 'reflect-metadata';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureApplicationRole, grantApplicationRole } from '@app/core';
import { asAppRole, assertTestDatabase, scratchDatabaseName, TEST_APP_ROLE, TEST_DATABASE_URL, testConfig } from './test-env';

/**
 * The migrated, empty database that the e2e global setup leaves for this run (its name in this
 * variable, set by the global setup only). Copying it (`CREATE DATABASE … TEMPLATE`, ~0.3 s)
 * replaces running every migration again in each scratch database (~2.5 s, mostly PostgreSQL's
 * DDL and fsyncs), about 50 times per `npm test`. Without it (the bench project has no global
 * setup) a scratch database is migrated from nothing, as before.
 */
export const MIGRATED_TEMPLATE_ENV = 'RELAIS_TEST_MIGRATED_TEMPLATE';

/** The template's name for the current TEST_DATABASE_URL (one per group, never shared). */
export function migratedTemplateName(): string {
  return scratchDatabaseName('relais_test_migrated_template');
}

/**
 * A database of one's own, migrated from scratch, for repository tests that must not depend on
 * the shared e2e database or its seed (and must not disturb other suites). The name must
 * contain "test": it is dropped when the suite ends.
 */
export interface ScratchDatabase {
  /** As the application's role (TEST_APP_ROLE), like the e2e application. */
  url: string;
  /** As the superuser that owns the schema (migrations, DDL, raw SQL). */
  ownerUrl: string;
  /** Connected as the application's role. */
  dataSource: DataSource;
  /** A plain pg client on the same database, for raw SQL the suite needs (as the superuser). */
  connect(): Promise<Client>;
  /** One raw-SQL statement as the superuser (a pool of its own, closed by drop()). */
  ownerQuery<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(suffixed: string, options: { poolSize?: number } = {}): Promise<ScratchDatabase> {
  const name = scratchDatabaseName(suffixed);
  const ownerUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString();
  const url = asAppRole(ownerUrl);
  assertTestDatabase(url);
  const template = process.env[MIGRATED_TEMPLATE_ENV];
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  await adminQuery((run) => ensureApplicationRole(run, TEST_APP_ROLE));

  const owner = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: ownerUrl })), logging: false } as ReturnType<typeof dataSourceOptions>);
  await owner.initialize();
  try {
    // From the template: nothing pending (a cheap check that it is the current schema).
    await owner.runMigrations({ transaction: 'each' });
    // The database-level grant (CONNECT, TEMPORARY) is not copied with a template: granted here.
    await grantApplicationRole((sql) => owner.query(sql), TEST_APP_ROLE, name);
  } finally {
    await owner.destroy();
  }

  const base = dataSourceOptions(testConfig({ DATABASE_URL: url }));
  const dataSource = new DataSource({
    ...base,
    url,
    extra: { ...(base as { extra?: object }).extra, max: options.poolSize ?? 10 },
    // These suites provoke failing queries on purpose; their assertions say what went wrong.
    logging: false,
  } as typeof base);
  await dataSource.initialize();
  let ownerPool: Pool | null = null;

  return {
    url,
    ownerUrl,
    dataSource,
    async ownerQuery(sql: string, params: unknown[] = []) {
      if (!ownerPool) {
        ownerPool = new Pool({ connectionString: ownerUrl, max: 2 });
        // pg-pool's end() resolves before its clients have closed; the DROP … WITH (FORCE) that
        // follows in drop() may then terminate one, whose error the pool re-emits: expected here.
        ownerPool.on('error', () => undefined);
      }
      return (await ownerPool.query(sql, params)).rows;
    },
    async connect() {
      const client = new Client({ connectionString: ownerUrl });
      await client.connect();
      return client;
    },
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await ownerPool?.end();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string | ((run: (sql: string) => Promise<unknown>) => Promise<void>)): Promise<void> {
  const admin = new Client({ connectionString: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    if (typeof sql === 'string') await admin.query(sql);
    else await sql((text) => admin.query(text));
  } finally {
    await admin.end();
  }
}

/**
 * Drops the foreign keys of the ticket tables (question, commande), for timeline suites whose
 * tickets refer to no directory (none is loaded in their database). `sql` is a superuser client.
 */
export async function dropTicketForeignKeys(sql: Client): Promise<void> {
  const { rows } = await sql.query(
    `SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) AS drop
       FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('question'::regclass, 'commande'::regclass)`,
  );
  for (const { drop } of rows) await sql.query(drop);
}
