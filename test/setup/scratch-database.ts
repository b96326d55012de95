import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { assertTestDatabase, scratchDatabaseName, TEST_DATABASE_URL, testConfig } from './test-env';

/**
 * A database of one's own, migrated from scratch, for repository tests that must not depend on
 * the shared e2e database or its seed (and must not disturb other suites). The name must
 * contain "test": it is dropped when the suite ends.
 */
export interface ScratchDatabase {
  url: string;
  dataSource: DataSource;
  /** A plain pg client on the same database, for raw SQL the suite needs (as the superuser). */
  connect(): Promise<Client>;
  drop(): Promise<void>;
}

export async function createScratchDatabase(suffixed: string, options: { poolSize?: number } = {}): Promise<ScratchDatabase> {
  const name = scratchDatabaseName(suffixed);
  const url = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString();
  assertTestDatabase(url);
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE "${name}"`);

  const base = dataSourceOptions(testConfig({ DATABASE_URL: url }));
  const dataSource = new DataSource({
    ...base,
    url,
    extra: { ...(base as { extra?: object }).extra, max: options.poolSize ?? 10 },
    // These suites provoke failing queries on purpose; their assertions say what went wrong.
    logging: false,
  } as typeof base);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });

  return {
    url,
    dataSource,
    async connect() {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    },
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}
