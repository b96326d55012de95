import './register-aliases';
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { assertTestDatabase, TEST_DATABASE_URL, testConfig } from './test-env';

/**
 * Recreates the test database from the migrations (never synchronize) and loads the demo
 * directory once for the whole run. Refuses any database whose name lacks "test".
 */
export default async function globalSetup(): Promise<void> {
  assertTestDatabase(TEST_DATABASE_URL);
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();

  const dataSource = new DataSource(dataSourceOptions(testConfig()));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await seedDemoData(dataSource);
  await dataSource.destroy();
}
