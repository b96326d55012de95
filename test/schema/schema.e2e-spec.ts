import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from '@app/core';
import { ALL_ENTITIES } from '../../apps/worker/src/entities';
import { assertTestDatabase, testConfig } from '../setup/test-env';

/**
 * The migrations are the only source of the schema. If an entity changes without a migration
 * (or a migration without its entity), TypeORM's schema builder finds something to do: that is
 * a failure here, before `migration:generate` would silently drop a hand-written index.
 */
describe('schema', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(dataSourceOptions(testConfig(), ALL_ENTITIES));
    await dataSource.initialize();
  });

  afterAll(() => dataSource.destroy());

  it('has every migration applied', async () => {
    const applied = await dataSource.query(`SELECT name FROM migrations ORDER BY id`);
    expect(applied.map((m: { name: string }) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('matches the entities exactly', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
  });
});

describe('test database guard', () => {
  it('refuses any database whose name lacks "test", before touching it', () => {
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/relais')).toThrow(/ne contient pas « test »/);
    expect(() => assertTestDatabase('postgres://postgres@127.0.0.1:5432/relais_test')).not.toThrow();
    expect(() => testConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/production' })).toThrow(/test/);
  });
});
