import './register-aliases';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureApplicationRole, grantApplicationRole, ownerDataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { MIGRATED_TEMPLATE_ENV, migratedTemplateName } from './scratch-database';
import { assertTestDatabase, TEST_APP_ROLE, TEST_DATABASE_URL, testConfig } from './test-env';

/**
 * Recreates the test database from the migrations (never synchronize) and loads the demo
 * directory once for the whole run. Refuses any database whose name lacks "test". The suites'
 * application connects as TEST_APP_ROLE (created here if missing, granted like `cli setup` does).
 */
export default async function globalSetup(): Promise<void> {
  assertTestDatabase(TEST_DATABASE_URL);
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const template = migratedTemplateName();
  const adminUrl = Object.assign(new URL(url), { pathname: '/postgres' }).toString();
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await ensureApplicationRole((sql) => admin.query(sql), TEST_APP_ROLE);

  const migrated = new DataSource(ownerDataSourceOptions(testConfig()));
  await migrated.initialize();
  await migrated.runMigrations({ transaction: 'each' });
  await migrated.destroy();
  // The migrated schema, before any seed, is what scratch databases start from (see
  // scratch-database.ts); copied while no session is connected to it, as PostgreSQL requires.
  await admin.query(`CREATE DATABASE "${template}" TEMPLATE "${name}"`);
  await admin.end();
  process.env[MIGRATED_TEMPLATE_ENV] = template;

  const dataSource = new DataSource(ownerDataSourceOptions(testConfig()));
  await dataSource.initialize();
  await grantApplicationRole((sql) => dataSource.query(sql), TEST_APP_ROLE, name);
  await seedDemoData(dataSource);
  await dataSource.destroy();
}
