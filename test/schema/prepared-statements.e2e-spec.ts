import 'reflect-metadata';
import { DataSource, QueryRunner } from 'typeorm';
import { dataSourceOptions, ownerDataSourceOptions, PLAN_PER_CALL } from '@app/core';
import { testConfig } from '../setup/test-env';

/**
 * The application's connections run parameterised statements as named prepared statements
 * (ADR 0029): parsed once per connection, at most DATABASE_STATEMENT_CACHE texts each; a failed
 * statement, in or out of a transaction, leaves the connection usable; a statement marked
 * PLAN_PER_CALL is planned at every call; 0 turns them off; the owner's connection (migrations,
 * DDL) never prepares.
 */
describe('named prepared statements on the application connections (ADR 0029)', () => {
  const sources: DataSource[] = [];

  async function connect(overrides: Record<string, string> = {}, owner = false): Promise<QueryRunner> {
    const config = testConfig(overrides);
    const source = new DataSource({ ...(owner ? ownerDataSourceOptions(config) : dataSourceOptions(config)), logging: false } as ReturnType<typeof dataSourceOptions>);
    await source.initialize();
    sources.push(source);
    // One connection for the whole test: pg_prepared_statements is per session.
    const runner = source.createQueryRunner();
    await runner.connect();
    return runner;
  }

  /** This session's prepared statements (protocol-level ones only, not SQL PREPARE). */
  const prepared = (runner: QueryRunner): Promise<Array<{ name: string; statement: string; generic_plans: string; custom_plans: string }>> =>
    runner.query(`SELECT name, statement, generic_plans::text, custom_plans::text FROM pg_prepared_statements WHERE NOT from_sql ORDER BY name`);

  afterEach(async () => {
    for (const source of sources.splice(0)) await source.destroy();
  });

  it('parses a parameterised statement once per connection and reuses it', async () => {
    const runner = await connect();
    for (let i = 0; i < 8; i++) expect(await runner.query('SELECT $1::int + 1 AS n', [i])).toEqual([{ n: i + 1 }]);
    // Statements without parameters go as before (simple protocol): nothing prepared for them.
    await runner.query('SELECT 1');
    const rows = await prepared(runner);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'relais_1', statement: 'SELECT $1::int + 1 AS n' });
    // Eight executions of one statement: after five custom plans, PostgreSQL keeps the generic one.
    expect(Number(rows[0].generic_plans) + Number(rows[0].custom_plans)).toBe(8);
    expect(Number(rows[0].generic_plans)).toBeGreaterThan(0);
  });

  it('keeps at most DATABASE_STATEMENT_CACHE texts per connection; the others run unnamed', async () => {
    const runner = await connect({ DATABASE_STATEMENT_CACHE: '2' });
    for (const k of [1, 2, 3, 4]) expect(await runner.query(`SELECT $1::int * ${k} AS n`, [10])).toEqual([{ n: 10 * k }]);
    expect(await runner.query('SELECT $1::int * 1 AS n', [5])).toEqual([{ n: 5 }]);
    expect((await prepared(runner)).map((r) => r.statement)).toEqual(['SELECT $1::int * 1 AS n', 'SELECT $1::int * 2 AS n']);
  });

  it('leaves the connection usable after a failed statement, in and out of a transaction', async () => {
    const runner = await connect();
    // Parsed, then refused at bind (not an integer): the statement exists on the server from then on.
    await expect(runner.query('SELECT $1::int AS n', ['pas un nombre'])).rejects.toThrow(/invalid input syntax for type integer/);
    expect(await runner.query('SELECT $1::int AS n', [3])).toEqual([{ n: 3 }]);

    await runner.startTransaction();
    await expect(runner.query('SELECT $1::int AS n', ['x'])).rejects.toThrow(/invalid input syntax/);
    // A text never seen, first parsed inside the aborted transaction: its Parse fails, nothing is kept.
    await expect(runner.query('SELECT $1::text AS t', ['a'])).rejects.toThrow(/current transaction is aborted/);
    await runner.rollbackTransaction();
    expect(await runner.query('SELECT $1::text AS t', ['a'])).toEqual([{ t: 'a' }]);
    expect(await runner.query('SELECT $1::int AS n', [4])).toEqual([{ n: 4 }]);

    // A statement prepared inside a transaction that rolls back stays prepared (session-level).
    await runner.startTransaction();
    expect(await runner.query('SELECT $1::int - 1 AS n', [1])).toEqual([{ n: 0 }]);
    await runner.rollbackTransaction();
    expect(await runner.query('SELECT $1::int - 1 AS n', [2])).toEqual([{ n: 1 }]);
    expect((await prepared(runner)).map((r) => r.statement).sort()).toEqual(['SELECT $1::int - 1 AS n', 'SELECT $1::int AS n', 'SELECT $1::text AS t']);
  });

  it('plans a statement marked PLAN_PER_CALL at every call (the full-text searches)', async () => {
    const runner = await connect();
    for (let i = 0; i < 3; i++) expect(await runner.query(`${PLAN_PER_CALL} SELECT $1::int AS n`, [i])).toEqual([{ n: i }]);
    expect(await runner.query('SELECT $1::int AS n', [1])).toEqual([{ n: 1 }]);
    expect((await prepared(runner)).map((r) => r.statement)).toEqual(['SELECT $1::int AS n']);
  });

  it('prepares a statement again when its table changed shape under it (a migration while running)', async () => {
    const table = `essai_plan_${process.pid}`;
    const owner = await connect({}, true);
    await owner.query(`CREATE TABLE ${table} (id int PRIMARY KEY, a text)`);
    try {
      await owner.query(`INSERT INTO ${table} VALUES (1, 'un')`);
      await owner.query(`GRANT SELECT ON ${table} TO relais_app`);
      const runner = await connect();
      const read = `SELECT t.* FROM ${table} t WHERE t.id = $1`;
      for (let i = 0; i < 6; i++) expect(await runner.query(read, [1])).toEqual([{ id: 1, a: 'un' }]);

      // Outside a transaction: answered at once, by the statement prepared again.
      await owner.query(`ALTER TABLE ${table} ADD COLUMN b text DEFAULT 'deux'`);
      expect(await runner.query(read, [1])).toEqual([{ id: 1, a: 'un', b: 'deux' }]);

      // Inside one: the error aborts it (a 503 to the request, ADR 0029); the next attempt succeeds.
      await owner.query(`ALTER TABLE ${table} ADD COLUMN c text DEFAULT 'trois'`);
      await runner.startTransaction();
      await expect(runner.query(read, [1])).rejects.toThrow(/cached plan must not change result type/);
      await runner.rollbackTransaction();
      await runner.startTransaction();
      expect(await runner.query(read, [1])).toEqual([{ id: 1, a: 'un', b: 'deux', c: 'trois' }]);
      await runner.commitTransaction();
      expect((await prepared(runner)).filter((r) => r.statement === read)).toHaveLength(3);
    } finally {
      await owner.query(`DROP TABLE ${table}`);
    }
  });

  it('prepares nothing with DATABASE_STATEMENT_CACHE=0, nor on the owner connection', async () => {
    for (const runner of [await connect({ DATABASE_STATEMENT_CACHE: '0' }), await connect({}, true)]) {
      expect(await runner.query('SELECT $1::int + 1 AS n', [1])).toEqual([{ n: 2 }]);
      expect(await prepared(runner)).toEqual([]);
    }
  });

  it('refuses a negative cache size, naming the setting', () => {
    expect(() => testConfig({ DATABASE_STATEMENT_CACHE: '-1' })).toThrow(/DATABASE_STATEMENT_CACHE/);
  });
});
