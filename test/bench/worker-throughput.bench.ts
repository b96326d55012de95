import '../setup/register-aliases';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppConfig, QueueName, redisOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR, SLA_TIMER_JOB_OPTIONS, SlaTimerJob, SlaTimers } from '@app/sla';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { createScratchDatabase } from '../setup/scratch-database';
import { testRedisUrl } from '../setup/test-env';
import { insertClocks } from './bench-clocks';

/**
 * What one worker process sustains on one core (issue #16, docs/scaling.md): the compiled worker
 * (`dist/`, built first) in its own process, pinned to one CPU with `taskset`, drains a backlog:
 *
 * 1. SLA timer fires: BENCH_FIRES running clocks already overdue, their breach timers armed
 *    through the engine's SlaTimers (delay 0), fired by the worker (each fire: the clock row, its
 *    sla_declenchement, a timeline event, its outbox rows, then those events' consumers).
 * 2. Outbox relaying: BENCH_OUTBOX_QUESTIONS questions taken through their whole life over the
 *    API (recorded, escalated, claimed, answered, closed: 5 requests each) with no worker running,
 *    then the worker started on that backlog: every row relayed to BullMQ and processed by every
 *    consumer (clocks, notifications, e-mail, live stream, webhooks…).
 *
 * The queue prefix is `{relais}`, the Redis Cluster form (all keys in one hash slot). Afterwards
 * the second database gives what the whole life of a question adds to the tables that
 * `seed:volume` does not fill (outbox, processed_event, notifications…), per question.
 */
const ROOT = path.resolve(__dirname, '../..');
const FIRES = Number(process.env.BENCH_FIRES ?? 5000);
const QUESTIONS = Number(process.env.BENCH_OUTBOX_QUESTIONS ?? 300);
const CPU = process.env.BENCH_WORKER_CPU ?? '1';
const PREFIX = '{relais}';
const REDIS_DB = 9;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string, every = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function startWorker(env: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', CPU, process.execPath, 'dist/apps/worker/apps/worker/src/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', QUEUE_PREFIX: PREFIX, DATABASE_POOL_MAX: '20', SLA_RECONCILE_MS: '60000', ...env },
  });
}

async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
}

/** Every key under the prefix carries its hash tag (Redis Cluster's slot rule). */
async function untaggedKeys(redis: Redis): Promise<{ keys: number; untagged: number }> {
  let cursor = '0';
  let keys = 0;
  let untagged = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 5000);
    cursor = next;
    keys += batch.length;
    untagged += batch.filter((k) => !k.startsWith(`${PREFIX}:`)).length;
  } while (cursor !== '0');
  return { keys, untagged };
}

interface Drain {
  what: string;
  count: number;
  seconds: number;
  cpuSeconds: number;
  postgresCpuSeconds: number;
  redisCpuSeconds: number;
  load: string;
}

/**
 * CPU seconds of the processes that serve one piece of work, read at the start and at the end of
 * a drain: the worker, the PostgreSQL backends connected to the database (a new one counts from
 * zero) and the Redis server (INFO cpu; the test Redis serves only this run).
 */
class CpuMeter {
  private worker0 = 0;
  private pg0 = new Map<number, number>();
  private redis0 = 0;

  constructor(
    private readonly workerPid: number | null,
    private readonly pgQuery: (sql: string, params?: unknown[]) => Promise<Array<{ pid: number }>>,
    private readonly database: string,
    private readonly redis: Redis,
  ) {}

  private async backends(): Promise<Map<number, number>> {
    const rows = await this.pgQuery(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'`, [this.database]);
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        out.set(pid, cpuSeconds(pid));
      } catch {
        /* gone meanwhile */
      }
    }
    return out;
  }

  private async redisCpu(): Promise<number> {
    const info = await this.redis.info('cpu');
    return ['used_cpu_sys', 'used_cpu_user'].reduce((s, f) => s + Number(new RegExp(`^${f}:([\\d.]+)`, 'm').exec(info)![1]), 0);
  }

  async start(): Promise<void> {
    this.worker0 = this.workerPid ? cpuSeconds(this.workerPid) : 0;
    this.pg0 = await this.backends();
    this.redis0 = await this.redisCpu();
  }

  async read(): Promise<{ worker: number; postgres: number; redis: number }> {
    const now = await this.backends();
    let postgres = 0;
    for (const [pid, cpu] of now) postgres += cpu - (this.pg0.get(pid) ?? 0);
    return { worker: (this.workerPid ? cpuSeconds(this.workerPid) : 0) - this.worker0, postgres, redis: (await this.redisCpu()) - this.redis0 };
  }
}

/** Phase 1: overdue clocks with their breach timers armed, fired by one worker. */
async function fires(): Promise<{ drain: Drain; redisKeys: { keys: number; untagged: number } }> {
  const scratch = await createScratchDatabase('relais_test_bench_throughput_sla');
  const redisUrl = testRedisUrl(REDIS_DB);
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const queue = new Queue<SlaTimerJob>(QueueName.SlaTimers, { connection: redisOptions(redisUrl, 'producer') as never, prefix: PREFIX, defaultJobOptions: SLA_TIMER_JOB_OPTIONS });
  let worker: ChildProcess | null = null;
  try {
    await seedDemoData(scratch.dataSource);
    await scratch.dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'siege'`, [JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id: 'siege' })]);
    const due = Date.now() - 60_000;
    const clocks = Array.from({ length: FIRES }, () => randomUUID());
    // Running clocks on questions of their own, their warning already sent.
    await insertClocks(scratch, clocks.map((id) => ({ id, due })));
    // Redis mode: the DataSource serves the PostgreSQL timer table only (FILES_ATTENTE=postgres).
    const timers = new SlaTimers(queue, { FILES_ATTENTE: 'redis' } as AppConfig, undefined as unknown as DataSource);
    for (let i = 0; i < clocks.length; i += 1000) {
      await timers.arm(clocks.slice(i, i + 1000).map((horlogeId) => ({ horlogeId, generation: 1, type: 'depassement' as const, at: new Date(due) })));
    }
    await scratch.ownerQuery(`VACUUM ANALYZE`);
    const count = async () => (await scratch.ownerQuery(`SELECT count(*)::int n FROM sla_declenchement`))[0].n as number;
    worker = startWorker({ DATABASE_URL: scratch.url, REDIS_URL: redisUrl });
    const meter = new CpuMeter(worker.pid!, (sql, params) => scratch.ownerQuery(sql, params), new URL(scratch.url).pathname.slice(1), redis);
    await until(async () => (await count()) > 0, 60_000, 'first fire', 20);
    await meter.start();
    const t0 = Date.now();
    await until(async () => (await count()) >= FIRES, 30 * 60_000, 'every fire', 100);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = await meter.read();
    const load = loadavg().map((l) => l.toFixed(1)).join(', ');
    const [{ n: events }] = await scratch.ownerQuery(`SELECT count(*)::int n FROM timeline_event WHERE type = 'sla.depassement'`);
    expect(events).toBe(FIRES);
    // The fires' own outbox events, processed by the same worker (not timed).
    await until(async () => (await scratch.ownerQuery(`SELECT count(*)::int n FROM outbox WHERE processed_at IS NULL`))[0].n === 0, 10 * 60_000, 'fires outbox', 500);
    return { drain: { what: 'SLA timer fires (breaches)', count: FIRES, seconds, cpuSeconds: cpu.worker, postgresCpuSeconds: cpu.postgres, redisCpuSeconds: cpu.redis, load }, redisKeys: await untaggedKeys(redis) };
  } finally {
    if (worker) await stopWorker(worker);
    await queue.close();
    await redis.flushdb();
    redis.disconnect();
    await scratch.drop();
  }
}

/** The tables a question's whole life writes to, with bytes (heap, TOAST and indexes). */
async function tableSizes(f: SlaFixture): Promise<Map<string, { rows: number; bytes: number; live: number }>> {
  const tables: Array<{ relname: string; bytes: string }> = await f.query(
    `SELECT c.relname, pg_total_relation_size(c.oid)::bigint AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'`,
  );
  const out = new Map<string, { rows: number; bytes: number; live: number }>();
  for (const t of tables) {
    // live: the bytes of the rows as they are now (no dead versions, page or index overhead).
    const [{ n, live }] = await f.query(`SELECT count(*)::int n, coalesce(sum(pg_column_size(t.*)), 0)::bigint live FROM "${t.relname}" t`);
    out.set(t.relname, { rows: n, bytes: Number(t.bytes), live: Number(live) });
  }
  return out;
}

/** Phase 2: whole question lives over the API with no worker, then one worker drains the outbox. */
async function outbox(): Promise<{
  drain: Drain;
  perQuestion: Array<{ table: string; rows: number; bytes: number; live: number }>;
  requests: number;
  requestSeconds: number;
  requestCpu: { api: number; postgres: number };
}> {
  const f = await SlaFixture.start('relais_test_bench_throughput_outbox', REDIS_DB, { QUEUE_PREFIX: PREFIX }, false);
  let worker: ChildProcess | null = null;
  try {
    const before = await tableSizes(f);
    const agent = await f.api.login(EMAILS.agentCarcassonne);
    const referent = await f.api.login(EMAILS.referentTourisme);
    const [{ id: dispositifId }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const ok = async (p: Promise<{ status: number; text: string }>, what: string) => {
      const res = await p;
      if (res.status >= 300) throw new Error(`${what} → ${res.status} ${res.text}`);
      return res;
    };
    let next = 0;
    // The API runs in this process (with the HTTP client that drives it): its CPU, and PostgreSQL's for these requests.
    const apiMeter = new CpuMeter(null, (sql, params) => f.query(sql, params), new URL(f.env.DATABASE_URL).pathname.slice(1), f.redis);
    await apiMeter.start();
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < QUESTIONS) {
          next++;
          const q = (await ok(f.api.post('/api/v1/questions', questionBody({ dispositifId }), { token: agent }), 'record')) as unknown as { body: { id: string } };
          const id = q.body.id;
          await ok(f.api.post(`/api/v1/questions/${id}/escalader`, { message: 'Je ne connais pas ce dispositif.' }, { token: agent }), 'escalate');
          await ok(f.api.post(`/api/v1/questions/${id}/prendre-en-charge`, {}, { token: referent }), 'claim');
          await ok(f.api.post(`/api/v1/questions/${id}/repondre`, { reponse: 'Éligible : dossier à déposer avant le 31 mars.' }, { token: referent }), 'answer');
          await ok(f.api.post(`/api/v1/questions/${id}/clore`, { issue: 'Réponse transmise à l’usager par téléphone' }, { token: agent }), 'close');
        }
      }),
    );
    const requestSeconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    const requestCpu = { api: (used.user + used.system) / 1e6, postgres: (await apiMeter.read()).postgres };
    await f.api.close();
    const [{ n: rows }] = await f.query(`SELECT count(*)::int n FROM outbox WHERE published_at IS NULL`);
    await f.query(`VACUUM ANALYZE`);
    const left = async () => (await f.query(`SELECT count(*)::int n FROM outbox WHERE processed_at IS NULL`))[0].n as number;
    worker = startWorker({ DATABASE_URL: f.env.DATABASE_URL, REDIS_URL: f.env.REDIS_URL, OUTBOX_POLL_MS: '200' });
    const meter = new CpuMeter(worker.pid!, (sql, params) => f.query(sql, params), new URL(f.env.DATABASE_URL).pathname.slice(1), f.redis);
    await until(async () => (await left()) < rows, 60_000, 'first event processed', 20);
    await meter.start();
    const t0 = Date.now();
    await until(async () => (await left()) === 0, 30 * 60_000, 'outbox drained', 100);
    const seconds = (Date.now() - t0) / 1000;
    const cpu = await meter.read();
    const load = loadavg().map((l) => l.toFixed(1)).join(', ');
    await stopWorker(worker);
    worker = null;
    const after = await tableSizes(f);
    const perQuestion = [...after]
      .map(([table, a]) => {
        const b = before.get(table) ?? { rows: 0, bytes: 0, live: 0 };
        return { table, rows: (a.rows - b.rows) / QUESTIONS, bytes: (a.bytes - b.bytes) / QUESTIONS, live: (a.live - b.live) / QUESTIONS };
      })
      .filter((t) => t.rows > 0)
      .sort((a, b) => b.bytes - a.bytes);
    return { drain: { what: 'outbox events (relayed and processed)', count: rows, seconds, cpuSeconds: cpu.worker, postgresCpuSeconds: cpu.postgres, redisCpuSeconds: cpu.redis, load }, perQuestion, requests: QUESTIONS * 5, requestSeconds, requestCpu };
  } finally {
    if (worker) await stopWorker(worker);
    await f.api.close().catch(() => undefined);
    await f.close();
  }
}

describe('worker throughput on one core', () => {
  it('drains a backlog of SLA fires and of outbox events', async () => {
    const build = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'worker'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(build.stdout + build.stderr);
    const a = await fires();
    const b = await outbox();
    const ms = (cpu: number, d: Drain) => ((1000 * cpu) / d.count).toFixed(2);
    const row = (d: Drain) =>
      `| ${d.what} | ${d.count.toLocaleString('en')} | ${d.seconds.toFixed(1)} | **${Math.round(d.count / d.seconds).toLocaleString('en')}** | ${d.cpuSeconds.toFixed(1)} (${Math.round((100 * d.cpuSeconds) / d.seconds)} %) | ` +
      `**${Math.round(d.count / d.cpuSeconds).toLocaleString('en')}** | ${ms(d.cpuSeconds, d)} / ${ms(d.postgresCpuSeconds, d)} / ${ms(d.redisCpuSeconds, d)} | ${d.load} |`;
    const drains = [
      '| backlog | items | drain time (s) | per second | worker CPU s (share of one core) | per worker CPU-second | CPU ms per item: worker / PostgreSQL / Redis | load average after |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      row(a.drain),
      row(b.drain),
    ].join('\n');
    const kb = (b: number) => (b / 1024).toFixed(2);
    const sizes = [
      '| table | rows per question | kB per question on disk (heap, TOAST, indexes; not vacuumed) | of which live row bytes | MB per 100k questions on disk |',
      '|---|---:|---:|---:|---:|',
      ...b.perQuestion.map((t) => `| \`${t.table}\` | ${t.rows.toFixed(2)} | ${kb(t.bytes)} | ${kb(t.live)} | ${((t.bytes * 100_000) / 1e6).toFixed(0)} |`),
      `| **total** | | ${kb(b.perQuestion.reduce((s, t) => s + t.bytes, 0))} | ${kb(b.perQuestion.reduce((s, t) => s + t.live, 0))} | ${((b.perQuestion.reduce((s, t) => s + t.bytes, 0) * 100_000) / 1e6).toFixed(0)} |`,
    ].join('\n');
    console.log(
      `\nWorker throughput (compiled worker pinned to CPU ${CPU}, prefix ${PREFIX}; redis keys after the fires: ${a.redisKeys.keys}, ${a.redisKeys.untagged} without the prefix)\n\n${drains}\n\n` +
        `Whole lives over the API: ${b.requests.toLocaleString('en')} write requests in ${b.requestSeconds.toFixed(0)} s, 8 at a time, in-process API; ` +
        `CPU per request: ${((1000 * b.requestCpu.api) / b.requests).toFixed(1)} ms for the API and its HTTP client, ${((1000 * b.requestCpu.postgres) / b.requests).toFixed(1)} ms PostgreSQL. What one question adds:\n\n${sizes}\n`,
    );
    expect(a.redisKeys.untagged).toBe(0);
  }, 60 * 60_000);
});
