import './register-aliases';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ensureApplicationRole, grantApplicationRole, ownerDataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
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
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await ensureApplicationRole((sql) => admin.query(sql), TEST_APP_ROLE);
  await admin.end();

  const dataSource = new DataSource(ownerDataSourceOptions(testConfig()));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await grantApplicationRole((sql) => dataSource.query(sql), TEST_APP_ROLE, name);
  await seedDemoData(dataSource);
  await dataSource.destroy();
}
