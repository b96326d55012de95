import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { ConnectionOptions, Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { ManualClock, QueueName, redisOptions } from '@app/core';
import { slaReconcilerStatsKey } from '@app/sla';
import { OUTBOX_BACKLOG_SQL, SLA_CLOCKS_SQL } from '../../apps/api/src/metrics/operational-gauges';
import { MaintenanceProcessor, SLA_RECONCILER_JOB } from '../../apps/worker/src/maintenance.processor';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { TestDb } from '../setup/db';
import { TestApi } from '../setup/e2e-app';
import { nodes, PlanNode } from '../setup/query-plans';
import { TEST_REDIS_URL, testConfig } from '../setup/test-env';

/** A queue prefix of this run only: its keys are removed at the end, and no other suite sees them. */
const PREFIX = `relais-test-metrics-${process.pid}`;
const TOKEN = 'jeton-de-supervision-de-test-0123';
const CLOSED_REDIS_URL = 'redis://127.0.0.1:6390';
const MINUTE = 60_000;

/** One sample of the Prometheus text format, by name and exact label set (undefined if absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe('GET /metrics (Prometheus)', () => {
  const clock = new ManualClock(new Date());
  const db = new TestDb();
  const redis = new Redis(TEST_REDIS_URL);
  let api: TestApi;

  const scrape = async (target: TestApi = api) => {
    const res = await target.get('/metrics');
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    api = await TestApi.start({ config: { QUEUE_PREFIX: PREFIX, METRICS_CACHE_MS: '0' }, clock });
  });

  afterAll(async () => {
    await api?.close();
    const queues = Object.values(QueueName).map((name) => new Queue(name, { connection: connectionOptions(), prefix: PREFIX }));
    await Promise.all(queues.map((q) => q.obliterate({ force: true }).finally(() => q.close())));
    // Whatever else the worker and the API wrote under this run's prefix (reconciler totals and markers).
    const leftovers: string[] = [];
    for await (const keys of redis.scanStream({ match: `${PREFIX}:*`, count: 1000 })) leftovers.push(...(keys as string[]));
    if (leftovers.length > 0) await redis.del(...leftovers);
    redis.disconnect();
    await db.close();
  });

  function connectionOptions(): ConnectionOptions {
    return redisOptions(TEST_REDIS_URL, 'producer') as ConnectionOptions;
  }

  describe('HTTP latency', () => {
    it('has histogram lines per method, route pattern and status code — never the raw URL', async () => {
      const token = await api.login('admin@relais.demo');
      const unknownId = randomUUID();
      await api.get('/api/v1/me', { token });
      await api.get('/api/v1/me');
      await api.get(`/api/v1/questions/${unknownId}`, { token });
      await api.get(`/api/v1/nulle-part/${unknownId}`);

      const text = await scrape();
      const count = (route: string, status: string, method = 'GET') =>
        sample(text, 'relais_http_request_duration_seconds_count', { method, route, status_code: status });
      expect(count('/api/v1/me', '200')).toBe(1);
      expect(count('/api/v1/me', '401')).toBe(1);
      expect(count('/api/v1/auth/dev-login', '200', 'POST')).toBe(1);
      expect(count('/api/v1/questions/:id', '404')).toBe(1);
      expect(count('unmatched', '404')).toBe(1);
      expect(text).not.toContain(unknownId);
      // Buckets from 5 ms to 5 s.
      const bucket = (le: string) =>
        sample(text, 'relais_http_request_duration_seconds_bucket', { le, method: 'GET', route: '/api/v1/me', status_code: '200' });
      expect(bucket('0.005')).toBeDefined();
      expect(bucket('5')).toBe(1);
      expect(bucket('+Inf')).toBe(1);
    });

    it('serves the Prometheus text format, uncached, with Node’s process metrics', async () => {
      const res = await api.get('/metrics');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.text).toContain('# HELP relais_http_request_duration_seconds Durée des requêtes HTTP');
      expect(res.text).toContain('# TYPE relais_http_request_duration_seconds histogram');
      expect(sample(res.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(res.text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      expect(sample(res.text, 'relais_metrics_source_up', { source: 'postgresql' })).toBe(1);
      expect(sample(res.text, 'relais_metrics_source_up', { source: 'redis' })).toBe(1);
    });
  });

  describe('queues', () => {
    it('reports waiting and delayed jobs per queue of this deployment’s prefix', async () => {
      const queue = new Queue(QueueName.Notifications, { connection: connectionOptions(), prefix: PREFIX });
      try {
        const jobs = () => sample(text, 'relais_queue_jobs', { queue: 'notifications', state: 'delayed' });
        let text = await scrape();
        expect(jobs()).toBe(0);
        expect(sample(text, 'relais_queue_jobs', { queue: 'sla-timers', state: 'delayed' })).toBe(0);

        await queue.addBulk([1, 2, 3].map((i) => ({ name: 'essai', data: {}, opts: { jobId: `essai-differe-${i}`, delay: 3600_000 } })));
        await queue.add('essai', {}, { jobId: 'essai-immediat' });
        text = await scrape();
        expect(jobs()).toBe(3);
        expect(sample(text, 'relais_queue_jobs', { queue: 'notifications', state: 'waiting' })).toBe(1);
        expect(sample(text, 'relais_queue_jobs', { queue: 'outbox', state: 'delayed' })).toBe(0);
        for (const name of ['outbox', 'sla-timers', 'maintenance', 'notifications']) {
          for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed']) {
            expect(sample(text, 'relais_queue_jobs', { queue: name, state })).toBeDefined();
          }
        }
      } finally {
        await queue.close();
      }
    });
  });

  describe('outbox and SLA clocks, among many closed clocks', () => {
    const now = () => clock.now().getTime();
    const at = (offsetMs: number) => new Date(now() + offsetMs);

    async function outboxRow(createdAgoMs: number, state: 'unpublished' | 'unprocessed' | 'processed') {
      const created = at(-createdAgoMs);
      await db.query(
        `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at, created_at, published_at, processed_at)
         VALUES ($1, 'essai.metriques', 'essai', $1, '{}', $2, $2, $3, $4)`,
        [randomUUID(), created, state === 'unpublished' ? null : at(-createdAgoMs + 1000), state === 'processed' ? at(-createdAgoMs + 2000) : null],
      );
    }

    async function clockRow(etat: string, opts: { avertissementA?: Date | null; avertieA?: Date | null; echeance?: Date | null } = {}) {
      await db.query(
        `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, etat, cible_minutes, seuil_pct, calendrier_id,
                                  echeance, avertissement_a, avertie_a, demarree_a)
         VALUES ($1, 'question', $2, $2, 'reponse', $3, 480, 75, 'siege', $4, $5, $6, $7)`,
        [randomUUID(), randomUUID(), etat, opts.echeance ?? null, opts.avertissementA ?? null, opts.avertieA ?? null, at(-60 * MINUTE)],
      );
    }

    beforeAll(async () => {
      await db.query(`DELETE FROM outbox`);
      await db.query(`DELETE FROM sla_horloge`);
      // A long history of closed clocks: the scrape must neither count nor scan them.
      await db.query(
        `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, etat, cible_minutes, seuil_pct, calendrier_id, demarree_a, echeance, avertissement_a)
         SELECT gen_random_uuid(), 'question', gen_random_uuid(), gen_random_uuid(), 'reponse', CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'met' END,
                480, 75, 'siege', now() - interval '30 days', now() - interval '29 days', now() - interval '29 days'
           FROM generate_series(1, 100000) g`,
      );
      await db.query(`ANALYZE sla_horloge`);
    });

    afterAll(async () => {
      await db.query(`DELETE FROM outbox`);
      await db.query(`DELETE FROM sla_horloge`);
    });

    it('outbox: backlog and age of the oldest row, per stage', async () => {
      let text = await scrape();
      expect(sample(text, 'relais_outbox_backlog', { stage: 'publish' })).toBe(0);
      expect(sample(text, 'relais_outbox_oldest_age_seconds', { stage: 'publish' })).toBe(0);

      await outboxRow(120_000, 'unpublished');
      await outboxRow(30_000, 'unpublished');
      await outboxRow(600_000, 'unprocessed');
      await outboxRow(7_200_000, 'processed');
      await outboxRow(3_600_000, 'processed');

      text = await scrape();
      expect(sample(text, 'relais_outbox_backlog', { stage: 'publish' })).toBe(2);
      expect(sample(text, 'relais_outbox_oldest_age_seconds', { stage: 'publish' })).toBe(120);
      expect(sample(text, 'relais_outbox_backlog', { stage: 'process' })).toBe(1);
      expect(sample(text, 'relais_outbox_oldest_age_seconds', { stage: 'process' })).toBe(600);
    });

    it('SLA clocks: running, at risk, paused and breached', async () => {
      const future = { echeance: at(24 * 60 * MINUTE) };
      await clockRow('running', { ...future, avertissementA: at(60 * MINUTE) }); // not yet at risk
      await clockRow('running', { ...future, avertissementA: at(-1 * MINUTE) }); // warning instant passed, timer not fired yet
      await clockRow('running', { ...future, avertissementA: null, avertieA: at(-10 * MINUTE) }); // warned, then rescheduled
      await clockRow('running', { ...future, avertissementA: null }); // resumed past its threshold: no warning instant
      await clockRow('paused', { avertissementA: null });
      await clockRow('breached', { echeance: at(-5 * MINUTE), avertissementA: at(-30 * MINUTE), avertieA: at(-30 * MINUTE) });
      await clockRow('breached', { echeance: at(-1 * MINUTE), avertissementA: at(-20 * MINUTE), avertieA: at(-20 * MINUTE) });
      await clockRow('met', { avertissementA: at(-20 * MINUTE) });

      const text = await scrape();
      expect(sample(text, 'relais_sla_clocks', { state: 'running' })).toBe(4);
      expect(sample(text, 'relais_sla_clocks_at_risk')).toBe(3);
      expect(sample(text, 'relais_sla_clocks', { state: 'paused' })).toBe(1);
      expect(sample(text, 'relais_sla_clocks', { state: 'breached' })).toBe(2);

      // The warning instant of the first clock passes: it is at risk from then on.
      clock.advance(61 * MINUTE);
      expect(sample(await scrape(), 'relais_sla_clocks_at_risk')).toBe(4);
      clock.advance(-61 * MINUTE);
    });

    it('reads both through their partial indexes: no sequential scan of sla_horloge or outbox', async () => {
      const plan = async (sql: string, params: unknown[] = []) =>
        ((await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params))[0]['QUERY PLAN'][0].Plan as PlanNode);
      const clocks = nodes(await plan(SLA_CLOCKS_SQL, [clock.now()]));
      expect(clocks.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
      // Whichever index the planner picks must be one of the partial indexes over the open states.
      const used = clocks.map((n) => n['Index Name']).filter(Boolean);
      expect(used.length).toBeGreaterThan(0);
      const open = await db.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'sla_horloge' AND indexdef LIKE '%WHERE%paused%breached%'`);
      expect(open.map((r) => r.indexname)).toEqual(expect.arrayContaining(used));
      const outbox = nodes(await plan(OUTBOX_BACKLOG_SQL));
      expect(outbox.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    });

    it('caches the readings for METRICS_CACHE_MS, whoever scrapes', async () => {
      const cached = await TestApi.start({ config: { QUEUE_PREFIX: PREFIX, METRICS_CACHE_MS: '60000' }, clock });
      try {
        const before = sample(await scrape(cached), 'relais_sla_clocks', { state: 'paused' });
        await clockRow('paused');
        expect(sample(await scrape(cached), 'relais_sla_clocks', { state: 'paused' })).toBe(before);
        expect(sample(await scrape(), 'relais_sla_clocks', { state: 'paused' })).toBe(before! + 1);
      } finally {
        await cached.close();
      }
    });
  });

  describe('SLA reconciler (run by the worker, counted in Redis)', () => {
    let worker: INestApplicationContext | undefined;
    afterAll(async () => {
      await worker?.close();
      await db.query(`DELETE FROM sla_horloge`);
    });

    it('counts the runs and re-armed timers of the wrapped maintenance path', async () => {
      await db.query(`DELETE FROM outbox`);
      await db.query(`DELETE FROM sla_horloge`);
      const id = randomUUID();
      await db.query(
        `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, etat, cible_minutes, seuil_pct, calendrier_id, echeance, avertissement_a, demarree_a)
         VALUES ($1, 'question', $1, $1, 'reponse', 'running', 480, 75, 'siege', now() + interval '1 day', now() + interval '12 hours', now())`,
        [id],
      );
      const before = await scrape();
      expect(sample(before, 'relais_sla_reconciler_runs_total', { result: 'ok' })).toBe(0);
      expect(sample(before, 'relais_sla_reconciler_rearmed_timers_total')).toBe(0);
      expect(sample(before, 'relais_sla_reconciler_last_success_timestamp_seconds')).toBeUndefined();

      // The worker reconciles at start, and its job scheduler once more at once.
      worker = await createWorkerApp(testConfig({ QUEUE_PREFIX: PREFIX, SLA_RECONCILE_MS: '600000' }));
      const maintenance = new Queue(QueueName.Maintenance, { connection: connectionOptions(), prefix: PREFIX });
      const timers = new Queue(QueueName.SlaTimers, { connection: connectionOptions(), prefix: PREFIX });
      try {
        const settled = async () => {
          const c = await maintenance.getJobCounts('waiting', 'active', 'prioritized');
          return c.waiting + c.active + c.prioritized === 0;
        };
        for (let i = 0; i < 100 && !(await settled()); i++) await new Promise((r) => setTimeout(r, 100));
        expect(await settled()).toBe(true);

        const started = await scrape();
        const runs = sample(started, 'relais_sla_reconciler_runs_total', { result: 'ok' })!;
        const rearmed = sample(started, 'relais_sla_reconciler_rearmed_timers_total')!;
        expect(runs).toBeGreaterThanOrEqual(1);
        expect(rearmed).toBeGreaterThanOrEqual(2); // the clock's due and warning timers
        expect(sample(started, 'relais_sla_reconciler_runs_total', { result: 'error' })).toBe(0);
        expect(Math.abs(sample(started, 'relais_sla_reconciler_last_success_timestamp_seconds')! - Date.now() / 1000)).toBeLessThan(60);

        // Redis loses the timers; the next scheduled run re-arms both.
        await timers.obliterate({ force: true });
        const report = await worker.get(MaintenanceProcessor).process({ name: SLA_RECONCILER_JOB } as Job);
        expect(report).toMatchObject({ running: 1, rearmed: 2, overdue: 0 });

        const after = await scrape();
        expect(sample(after, 'relais_sla_reconciler_runs_total', { result: 'ok' })).toBe(runs + 1);
        expect(sample(after, 'relais_sla_reconciler_rearmed_timers_total')).toBe(rearmed + 2);
        expect(sample(after, 'relais_sla_reconciler_overdue_timers_total')).toBe(0);
        expect(await redis.hget(slaReconcilerStatsKey(PREFIX), 'runs')).toBe(String(runs + 1));
      } finally {
        await Promise.all([maintenance.close(), timers.close()]);
      }
    });
  });

  describe('access', () => {
    it('with METRICS_TOKEN: 401 problem+json without it or with another one, 200 with it', async () => {
      const guarded = await TestApi.start({ config: { QUEUE_PREFIX: PREFIX, METRICS_TOKEN: TOKEN } });
      try {
        const missing = await guarded.get('/metrics');
        expect(missing.status).toBe(401);
        expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(missing.body).toMatchObject({ status: 401, code: 'NON_AUTHENTIFIE', instance: '/metrics' });
        expect(missing.body.detail).toMatch(/jeton de supervision/);
        const wrong = await guarded.get('/metrics', { token: `${TOKEN}x` });
        expect(wrong.status).toBe(401);
        expect(wrong.body.detail).toBe('Jeton de supervision invalide.');
        // A directory user's token is not the metrics token.
        expect((await guarded.get('/metrics', { token: await guarded.login('admin@relais.demo') })).status).toBe(401);
        const ok = await guarded.get('/metrics', { token: TOKEN });
        expect(ok.status).toBe(200);
        expect(ok.text).toContain('relais_sla_clocks');
      } finally {
        await guarded.close();
      }
    });

    it('in production without METRICS_TOKEN: 404, as for a path that does not exist', async () => {
      const production = await TestApi.start({
        config: { QUEUE_PREFIX: PREFIX, NODE_ENV: 'production', JWT_SECRET: 'secret-de-production-pour-les-tests-0123456789', TIMELINE_HMAC_KEYS: `prod:${Buffer.alloc(32, 7).toString('base64')}` },
      });
      try {
        const res = await production.get('/metrics');
        // Outside the server's prefixes, an unknown path is the web app's (index.html) when it is built.
        const absent = await production.get('/api/v1/nulle-part');
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect({ ...res.body, instance: undefined }).toEqual({ ...absent.body, instance: undefined });
        expect(res.text).not.toContain('relais_');
      } finally {
        await production.close();
      }
    });
  });

  describe('with a dependency down', () => {
    it('Redis unreachable: 200 with the PostgreSQL gauges, no queue series, the failure counted', async () => {
      const noRedis = await TestApi.start({ config: { QUEUE_PREFIX: PREFIX, REDIS_URL: CLOSED_REDIS_URL, METRICS_CACHE_MS: '0' } });
      try {
        const started = Date.now();
        const text = await scrape(noRedis);
        expect(Date.now() - started).toBeLessThan(2500);
        expect(sample(text, 'relais_metrics_source_up', { source: 'redis' })).toBe(0);
        expect(sample(text, 'relais_metrics_collection_errors_total', { source: 'redis' })).toBe(1);
        expect(text).not.toMatch(/relais_queue_jobs|relais_sla_reconciler/);
        expect(sample(text, 'relais_metrics_source_up', { source: 'postgresql' })).toBe(1);
        expect(sample(text, 'relais_sla_clocks', { state: 'running' })).toBe(0);
        expect(sample(text, 'relais_outbox_backlog', { stage: 'publish' })).toBe(0);
        expect(sample(await scrape(noRedis), 'relais_metrics_collection_errors_total', { source: 'redis' })).toBe(2);
      } finally {
        await noRedis.close();
      }
    });

    it('PostgreSQL unreachable (pool closed): 200 with the Redis gauges, no database series', async () => {
      await api.app.get(DataSource).destroy();
      const text = await scrape();
      expect(sample(text, 'relais_metrics_source_up', { source: 'postgresql' })).toBe(0);
      expect(sample(text, 'relais_metrics_collection_errors_total', { source: 'postgresql' })).toBe(1);
      expect(text).not.toMatch(/relais_sla_clocks|relais_outbox/);
      expect(sample(text, 'relais_metrics_source_up', { source: 'redis' })).toBe(1);
      expect(sample(text, 'relais_queue_jobs', { queue: 'notifications', state: 'delayed' })).toBe(3);
    });
  });
});
