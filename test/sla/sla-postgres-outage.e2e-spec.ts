import { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR, SlaFirer, SlaReconciler, SlaTimers, timerJobId } from '@app/sla';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { EMAILS, questionBody } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import { OwnPostgres } from '../setup/own-servers';
import { testConfig, testRedisUrl } from '../setup/test-env';

/** Port of this suite's own PostgreSQL (helper range 5570-5579). */
const PG_PORT = 5572;
/** How long PostgreSQL stays down: both timers fall due meanwhile. */
const OUTAGE_MS = 14_000;

/**
 * SLA timers through a PostgreSQL outage of tens of seconds: their jobs keep retrying (capped
 * backoff) and fire once PostgreSQL is back, without waiting for the reconciler (set to a
 * minute here); a warning that was due before the breach is given, late, once, even when the
 * breach goes through first.
 */
describe('SLA timers across a PostgreSQL outage', () => {
  let pg: OwnPostgres;
  let dataSource: DataSource;
  let api: TestApi;
  let worker: INestApplicationContext;
  let redis: Redis;

  beforeAll(async () => {
    pg = await OwnPostgres.start(PG_PORT);
    const url = await pg.createDatabase('relais_test_sla_pg_outage');
    dataSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: url })), logging: false } as never);
    await dataSource.initialize();
    await seedDemoData(dataSource);
    const spec = (id: string) => JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id });
    await dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'reseau'`, [spec('reseau')]);
    await dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'siege'`, [spec('siege')]);
    const redisUrl = testRedisUrl(15);
    redis = new Redis(redisUrl);
    await redis.flushdb();
    const env = { DATABASE_URL: url, REDIS_URL: redisUrl, QUEUE_PREFIX: 'relais-test-sla-pg-outage', SLA_RECONCILE_MS: '60000', OUTBOX_POLL_MS: '200' };
    api = await TestApi.start({ config: env });
    worker = await createWorkerApp(testConfig(env));
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await worker?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await redis?.flushdb();
    redis?.disconnect();
    await pg?.destroy();
  });

  const query = (sql: string, params: unknown[] = []) => dataSource.query(sql, params);

  async function until<T>(check: () => Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function escalate(count: number): Promise<string[]> {
    const token = await api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const q = await api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
      expect((await api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
      ids.push(q.body.id);
    }
    return ids;
  }

  it('a warning that comes after the breach of its clock is still given, once', async () => {
    const [question] = await escalate(1);
    const [clock] = await until(async () => {
      const rows = await query(`SELECT id, generation FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'prise_en_charge' AND etat = 'running'`, [question]);
      return rows.length > 0 ? rows : undefined;
    }, 15_000, 'the clock');
    const firer = worker.get(SlaFirer);
    expect(await firer.fire(clock.id, clock.generation, 'depassement')).toBe('fired');
    expect(await firer.fire(clock.id, clock.generation, 'avertissement')).toBe('fired');
    expect(await firer.fire(clock.id, clock.generation, 'avertissement')).toBe('stale');
    const events = await query(`SELECT type FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%' ORDER BY seq`, [question]);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['sla.depassement', 'sla.avertissement']);
  }, 60_000);

  it('the reconciler re-arms the lost warning timer of a clock breached before its warning was given', async () => {
    const [question] = await escalate(1);
    const [clock] = await until(async () => {
      const rows = await query(`SELECT id, generation FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'prise_en_charge' AND etat = 'running'`, [question]);
      return rows.length > 0 ? rows : undefined;
    }, 15_000, 'the clock');
    // The breach went through; the warning, due before it, lost its job (retries exhausted).
    expect(await worker.get(SlaFirer).fire(clock.id, clock.generation, 'depassement')).toBe('fired');
    await query(`UPDATE sla_horloge SET avertissement_a = now() - interval '1 second' WHERE id = $1`, [clock.id]);
    const timers = worker.get(SlaTimers);
    await timers.queue.remove(timerJobId(clock.id, 'avertissement', clock.generation));
    expect((await timers.missing([timerJobId(clock.id, 'avertissement', clock.generation)])).size).toBe(1);

    const report = await worker.get(SlaReconciler).reconcile({ full: true });
    expect(report.rearmed).toBeGreaterThanOrEqual(1);
    await until(
      async () => (await query(`SELECT 1 FROM sla_declenchement WHERE horloge_id = $1 AND type = 'avertissement'`, [clock.id])).length === 1,
      10_000,
      'the late warning fired',
    );
  }, 60_000);

  it('fires every warning and breach due during the outage once PostgreSQL is back, by the jobs\' own retries', async () => {
    // Warning at 4.5 s (75 %), breach at 6 s after each escalation.
    await query(`UPDATE sla_politique SET cible_minutes = 0.1, version = version + 1 WHERE flux = 'question' AND horloge = 'prise_en_charge'`);
    const questions = await escalate(5);
    const clocks = () =>
      query(`SELECT id FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) AND horloge = 'prise_en_charge' AND etat = 'running'`, [questions]);
    await until(async () => (await clocks()).length === 5, 15_000, 'the clocks');
    const [{ n: firedBefore }] = await query(
      `SELECT count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[])`,
      [questions],
    );
    expect(firedBefore).toBe(0);

    pg.stop('fast');
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await pg.startAgain();

    const fires = () =>
      query(
        `SELECT d.type, count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id
          WHERE h.ticket_id = ANY($1::uuid[]) AND h.horloge = 'prise_en_charge' GROUP BY d.type ORDER BY d.type`,
        [questions],
      );
    // The reconciler runs once a minute here: only the jobs' retries can fire them this soon.
    await until(async () => {
      const rows = await fires();
      return rows.length === 2 && rows.every((r: { n: number }) => r.n === 5);
    }, 20_000, 'every warning and breach fired');
    const timeline = await query(
      `SELECT type, count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type IN ('sla.avertissement', 'sla.depassement') GROUP BY type ORDER BY type`,
      [questions],
    );
    expect(timeline).toEqual([
      { type: 'sla.avertissement', n: 5 },
      { type: 'sla.depassement', n: 5 },
    ]);
  }, 90_000);
});
