import { Pool } from 'pg';
import { TEST_DATABASE_URL } from './test-env';

/** Direct SQL on the test database: to look ids up and to assert what was (not) written. */
export class TestDb {
  readonly pool: Pool;

  /** The shared test database by default; a suite's scratch database (its owner URL) otherwise. */
  constructor(url = TEST_DATABASE_URL) {
    this.pool = new Pool({ connectionString: url, max: 4 });
    // As the scratch database's owner pool: pg-pool's end() resolves before its idle clients have
    // closed, and a scratch database's DROP … WITH (FORCE) then terminates one, whose error the
    // pool re-emits (an unhandled error failed a whole suite). Queries still reject on their errors.
    this.pool.on('error', () => undefined);
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async one<T = any>(sql: string, params: unknown[] = []): Promise<T> {
    const rows = await this.query<T>(sql, params);
    if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql}`);
    return rows[0];
  }

  async count(table: string, where = 'TRUE', params: unknown[] = []): Promise<number> {
    const [{ n }] = await this.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
    return n;
  }

  /** Row counts of the tables a question write touches. */
  async questionCounts(): Promise<Record<string, number>> {
    const tables = ['question', 'question_usager', 'question_detention', 'timeline_event', 'outbox', 'idempotency_key'];
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = await this.count(t);
    return out;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
