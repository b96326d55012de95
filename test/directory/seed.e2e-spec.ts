import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { SeedReport, seedDemoData } from '@app/directory';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testConfig } from '../setup/test-env';

const TABLES = ['maison', 'direction', 'theme', 'dispositif', 'users', 'referent', 'referent_dispositif', 'referent_theme', 'specialisation'];
const WITH_UPDATED_AT = ['maison', 'direction', 'dispositif', 'users'];

/**
 * Every row version of the directory: an UPDATE, even one that writes the same values, gives a
 * row a new xmin and ctid, so equal snapshots prove that nothing was rewritten.
 */
async function snapshot(ds: DataSource): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const table of TABLES) {
    const [row] = await ds.query(
      `SELECT count(*)::int AS rows,
              md5(coalesce(string_agg(xmin::text || '/' || ctid::text, ',' ORDER BY ctid), '')) AS versions
              ${WITH_UPDATED_AT.includes(table) ? ', max(updated_at) AS "lastUpdate"' : ''}
         FROM ${table}`,
    );
    out[table] = row;
  }
  return out;
}

const changes = (report: SeedReport) =>
  Object.fromEntries(Object.entries(report).map(([table, count]) => [table, count.inserted + count.updated]));

describe('seedDemoData on a database of its own', () => {
  let scratch: ScratchDatabase;
  let first: SeedReport;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_directory_seed');
    first = await seedDemoData(scratch.dataSource);
  });

  afterAll(async () => {
    await scratch?.drop();
  });

  it('loads the whole Occitanie network on an empty database', () => {
    expect(first.maisons).toEqual({ seeded: 18, inserted: 18, updated: 0 });
    expect(first.themes).toEqual({ seeded: 12, inserted: 12, updated: 0 });
    expect(first.dispositifs).toEqual({ seeded: 46, inserted: 46, updated: 0 });
    for (const count of Object.values(first)) expect(count.inserted).toBe(count.seeded);
  });

  it('changes no row when run a second time (counts, row versions, updated_at)', async () => {
    const before = await snapshot(scratch.dataSource);
    const second = await seedDemoData(scratch.dataSource);
    expect(await snapshot(scratch.dataSource)).toEqual(before);
    expect(Object.values(changes(second)).every((n) => n === 0)).toBe(true);
    expect(second.users.seeded).toBe(first.users.seeded);
  });

  it('restores a changed value, touching only that row, and never reactivates an account', async () => {
    const ds = scratch.dataSource;
    await ds.query(`UPDATE dispositif SET note = 'modifié à la main' WHERE code = 'lectio'`);
    await ds.query(`UPDATE users SET display_name = 'Quelqu’un d’autre', actif = false WHERE email = 'agent.foix@relais.demo'`);
    const before = await snapshot(ds);

    const report = await seedDemoData(ds);

    expect(changes(report)).toMatchObject({ dispositifs: 1, users: 1, maisons: 0, referents: 0, referentDispositifs: 0 });
    const [lectio] = await ds.query(`SELECT note FROM dispositif WHERE code = 'lectio'`);
    expect(lectio.note).toBeNull();
    const [agent] = await ds.query(`SELECT display_name, actif FROM users WHERE email = 'agent.foix@relais.demo'`);
    expect(agent.display_name).not.toBe('Quelqu’un d’autre');
    expect(agent.actif).toBe(false);
    const after = await snapshot(ds);
    expect(after.maison).toEqual(before.maison);
    expect(after.referent_dispositif).toEqual(before.referent_dispositif);
  });

  it('lets two seeds run at once (the API and the worker starting together)', async () => {
    const reports = await Promise.all([seedDemoData(scratch.dataSource), seedDemoData(scratch.dataSource)]);
    for (const report of reports) expect(Object.values(changes(report)).every((n) => n === 0)).toBe(true);
  });

  it('leaves no dispositif without an active référent and no thème without a direction', async () => {
    const ds = scratch.dataSource;
    expect(
      await ds.query(
        `SELECT d.code FROM dispositif d
          WHERE NOT EXISTS (SELECT 1 FROM referent_dispositif rd
                              JOIN referent r ON r.id = rd.referent_id
                              JOIN users u ON u.id = r.user_id AND u.actif
                             WHERE rd.dispositif_id = d.id)`,
      ),
    ).toEqual([]);
    expect(await ds.query(`SELECT code FROM theme WHERE direction_id IS NULL`)).toEqual([]);
    const [eceau] = await ds.query(
      `SELECT dir.code FROM dispositif d JOIN direction dir ON dir.id = d.direction_id WHERE d.code = 'eceau-tourisme'`,
    );
    expect(eceau.code).toBe('tourisme');
  });
});

describe('seedDemoData on the shared e2e database', () => {
  it('finds it already seeded by the global setup and changes nothing', async () => {
    const ds = new DataSource(dataSourceOptions(testConfig()));
    await ds.initialize();
    try {
      const report = await seedDemoData(ds);
      expect(Object.values(changes(report)).every((n) => n === 0)).toBe(true);
    } finally {
      await ds.destroy();
    }
  });
});
