import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { migrateQueueSchema, QueueName, redisOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR, armTimerRows, SLA_TIMER_JOB_OPTIONS, timerJobId } from '@app/sla';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TEST_APP_ROLE } from '../setup/test-env';
import { insertClocks } from './bench-clocks';

/**
 * SLA timer benchmark (issue: "never miss, never fire twice, within a tenth of a second").
 * For each Redis `hz`: 100,000 running clocks due over the next 2 minutes on a 24/7 calendar,
 * armed as delayed jobs, fired by the compiled worker in its own process; then a Redis flush
 * with 10,000 clocks pending, repaired by the reconciler. Prints a table and writes it to
 * docs/benchmarks.md. Scenarios with BENCH_CLOCKS=100000,10000, settings with BENCH_HZ=100,10,
 * worker processes with BENCH_WORKERS (default 1: the sizing docs/operations.md advises for 2 cores).
 * On Redis each scenario first runs the reference, bare BullMQ (BENCH_BARE=0 skips it), so that
 * the p99 ÷ bare ratio (issue #17's target: under 2) comes from one run on one machine load.
 * BENCH_TRACE=<file> adds a probe to the worker (stalls, GC, job → processor delay) and writes the late fires;
 * BENCH_GRACE_MS, how long after the last due time the run waits (a partial row on timeout).
 * BENCH_BACKEND=postgres runs the same with FILES_ATTENTE=postgres (ADR 0022): no Redis, the
 * timers are rows of `sla_minuterie` fired by the worker's poller, and the "flush" deletes the
 * pending rows (what a lost timer looks like there); its table goes to its own section.
 * (BullMQ's own PostgreSQL backend for the timers, which ADR 0022 measured and rejected, was
 * this benchmark at commit 115fb1a ("test(bench): the SLA timer benchmark on BullMQ's PostgreSQL backend").)
 */
const ROOT = path.resolve(__dirname, '../..');
const ON_POSTGRES = process.env.BENCH_BACKEND === 'postgres';
/** Scenarios: the issue's (100,000 clocks in 2 minutes) and a lighter one that shows timer precision apart from capacity. */
const SCENARIOS = (process.env.BENCH_CLOCKS ?? '100000,10000').split(',').map(Number);
const FLUSH_CLOCKS = Math.min(10_000, ...SCENARIOS);
/** Redis `hz` settings; one pass (hz 0, meaning none) on PostgreSQL. */
const HZ = ON_POSTGRES ? [0] : (process.env.BENCH_HZ ?? '100,10').split(',').map(Number);
const RECONCILE_MS = 5000;
/** The benchmark's own redis-server (BENCH_REDIS_PORT; default 6391). */
const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 6391);
/** BENCH_BARE=0 skips the bare BullMQ reference (on by default on Redis). */
const BARE = !ON_POSTGRES && process.env.BENCH_BARE !== '0';
/**
 * BENCH_TRACE=<file>: the worker runs with a probe (event-loop stalls, GC pauses, job → processor delay) and the late
 * fires are written with it to <file>.json, to see where the tail goes.
 */
const TRACE = process.env.BENCH_TRACE;
/** How long after the last due time every breach must have fired (BENCH_GRACE_MS; longer on a loaded machine). */
const GRACE_MS = Number(process.env.BENCH_GRACE_MS ?? (ON_POSTGRES ? 600_000 : 120_000));
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 120_000);
/** Time from the start of the set-up to the first due clock (BENCH_LEAD_MS, or 30 s plus 0.4 ms a clock). */
const LEAD_MS = (clocks: number) => Number(process.env.BENCH_LEAD_MS ?? 30_000 + clocks * 0.4);

interface Row {
  /** `relais`, or `bare`: the same delayed jobs on plain BullMQ, an empty processor (the reference). */
  what: 'relais' | 'bare';
  hz: number;
  clocks: number;
  insertPerSec: number;
  armPerSec: number;
  marginS: number;
  p50: number;
  p99: number;
  max: number;
  fired: number;
  duplicates: number;
  peakRssMb: number;
  workerCpuS: number;
  redisCpuS: number;
  flushMaxLateMs: number;
  flushBoundMs: number;
  /** 1-minute load average at the start and at the end of the row's run (the machine is shared). */
  load: string;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** CPU seconds (user + system) a process has used so far: a cost that other load on the machine skews less than lateness. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function startRedis(hz: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--hz', String(hz), '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const client = new Redis({ port: REDIS_PORT, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await until(async () => client.connect().then(() => true, () => false), 10_000, 'redis start');
  client.disconnect();
  return redis;
}

/** `n` clocks due between `from` and `from + spreadMs`, evenly. */
function planClocks(n: number, from: number, spreadMs: number): Array<{ id: string; due: number }> {
  return Array.from({ length: n }, (_, k) => ({ id: randomUUID(), due: Math.round(from + (k * spreadMs) / n) }));
}


async function arm(queue: Queue | null, clocks: Array<{ id: string; due: number }>, scratch: ScratchDatabase | null): Promise<void> {
  for (let i = 0; i < clocks.length; i += 1000) {
    if (ON_POSTGRES) {
      const chunk = clocks.slice(i, i + 1000);
      await armTimerRows((sql, params) => scratch!.dataSource.query(sql, params), chunk.map((c) => ({ horlogeId: c.id, generation: 1, type: 'depassement' as const, at: new Date(c.due) })));
      continue;
    }
    const now = Date.now();
    await queue!.addBulk(
      clocks.slice(i, i + 1000).map((c) => ({
        name: 'depassement',
        data: { horlogeId: c.id, generation: 1, type: 'depassement', at: c.due },
        opts: { ...SLA_TIMER_JOB_OPTIONS, jobId: timerJobId(c.id, 'depassement', 1), delay: Math.max(0, c.due - now) },
      })),
    );
  }
}

/**
 * The reference: plain BullMQ in a process of its own, the same worker settings as the SLA timer
 * processor (concurrency 50, lock 10 s) and an empty processor that records lateness (when it
 * starts − the job's due time). What Redis and BullMQ alone cost on this machine, in the same run.
 */
const BARE_WORKER = `
const { Worker } = require('bullmq');
const { writeFileSync } = require('node:fs');
const [port, prefix, total, out] = process.argv.slice(1);
const late = [];
process.on('SIGUSR2', () => writeFileSync(out, JSON.stringify(late)));
const worker = new Worker(${JSON.stringify(QueueName.SlaTimers)}, async (job) => {
  late.push(Date.now() - job.data.at);
  if (late.length === Number(total)) {
    writeFileSync(out, JSON.stringify(late));
    setImmediate(() => worker.close().then(() => process.exit(0)));
  }
}, { connection: { host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null }, prefix, concurrency: 50, lockDuration: 10000, stalledInterval: 10000 });
`;

function percentile(sorted: number[], p: number): number {
  // As PostgreSQL's percentile_cont: linear between the two closest ranks.
  const x = (sorted.length - 1) * p;
  const lo = Math.floor(x);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (x - lo);
}

async function runBare(hz: number, clockCount: number): Promise<Row> {
  const loadAtStart = loadAverage();
  const redis = await startRedis(hz);
  const prefix = `bare-${hz}`;
  const out = path.join(os.tmpdir(), `sla-bare-${process.pid}-${hz}-${clockCount}.json`);
  const queue = new Queue(QueueName.SlaTimers, { connection: redisOptions(`redis://127.0.0.1:${REDIS_PORT}`, 'producer') as never, prefix });
  const worker = spawn(process.execPath, ['-e', BARE_WORKER, String(REDIS_PORT), prefix, String(clockCount), out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((r) => worker.once('exit', r));
  try {
    await new Promise((r) => setTimeout(r, 1000)); // boot
    const clocks = planClocks(clockCount, Date.now() + LEAD_MS(clockCount), SPREAD_MS);
    const armStart = Date.now();
    await arm(queue, clocks, null);
    const armPerSec = clockCount / ((Date.now() - armStart) / 1000);
    const marginS = (clocks[0].due - Date.now()) / 1000;
    const lastDue = clocks[clocks.length - 1].due;
    let cpu = 0;
    let rss = 0;
    const sample = setInterval(() => {
      try {
        cpu = cpuSeconds(worker.pid!);
        rss = peakRssMb(worker.pid!);
      } catch {
        // exited
      }
    }, 500);
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), lastDue - Date.now() + GRACE_MS))]);
    clearInterval(sample);
    if (!done) {
      // What ran in time: the worker writes it on SIGUSR2.
      worker.kill('SIGUSR2');
      await until(async () => existsSync(out), 10_000, 'bare BullMQ partial results');
    }
    const late = (JSON.parse(readFileSync(out, 'utf8')) as number[]).sort((a, b) => a - b);
    const redisCpuS = cpuSeconds(redis.pid!);
    console.log(`bare BullMQ hz ${hz}, ${clockCount} jobs: margin ${marginS.toFixed(0)} s, p50 ${percentile(late, 0.5)} p99 ${percentile(late, 0.99)} max ${late[late.length - 1]}`);
    return {
      what: 'bare',
      hz,
      clocks: clockCount,
      insertPerSec: NaN,
      armPerSec,
      marginS,
      p50: percentile(late, 0.5),
      p99: percentile(late, 0.99),
      max: late[late.length - 1],
      fired: late.length,
      duplicates: 0,
      peakRssMb: rss,
      workerCpuS: cpu,
      redisCpuS,
      flushMaxLateMs: NaN,
      flushBoundMs: NaN,
      load: `${loadAtStart}–${loadAverage()}`,
    };
  } finally {
    await queue.close();
    worker.kill('SIGTERM');
    await exited;
    rmSync(out, { force: true });
    redis.kill('SIGTERM');
    await new Promise((r) => redis.once('exit', r));
  }
}

/**
 * BENCH_TRACE's probe, preloaded into the worker (`--require`): event-loop stalls (a 5 ms timer
 * that came more than 25 ms late), GC pauses over 5 ms, and how long each timer job took from
 * Redis moving it to active to reaching the processor (the worker's event loop's share of the
 * lateness), written at exit.
 */
const PROBE = `
const { PerformanceObserver, performance } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');
const stalls = [];
const gcs = [];
let last = Date.now();
setInterval(() => { const now = Date.now(); if (now - last > 30) stalls.push([last, now - last]); last = now; }, 5).unref();
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.duration > 5) gcs.push([Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration), e.detail && e.detail.kind]);
}).observe({ entryTypes: ['gc'] });
// Each timer job: [when Redis moved it to active, how long after that it reached the processor]
// (the job no longer says when it was due once promoted: the timeline's lateness has that).
const picks = [];
const { Worker } = require(require.resolve('bullmq', { paths: [process.cwd()] }));
const callProcessJob = Worker.prototype.callProcessJob;
Worker.prototype.callProcessJob = function (job, ...rest) {
  if (this.name === 'sla-timers' && job.attemptsMade === 0 && job.processedOn) picks.push([job.processedOn, Date.now() - job.processedOn]);
  return callProcessJob.call(this, job, ...rest);
};
process.on('exit', () => writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ stalls, gcs, picks })));
`;

async function runOne(hz: number, clockCount: number): Promise<Row> {
  const loadAtStart = loadAverage();
  const redis = ON_POSTGRES ? null : await startRedis(hz);
  const scratch = await createScratchDatabase('relais_test_bench_sla');
  const workers: ChildProcess[] = [];
  const prefix = `bench-${hz}`;
  if (ON_POSTGRES) await migrateQueueSchema(scratch.ownerUrl, TEST_APP_ROLE);
  // The worker's other queues need BullMQ's schema; its timers are armed in sla_minuterie directly.
  const queue = ON_POSTGRES
    ? null
    : new Queue(QueueName.SlaTimers, { connection: redisOptions(`redis://127.0.0.1:${REDIS_PORT}`, 'producer') as never, prefix });
  try {
    await seedDemoData(scratch.dataSource);
    const spec = (id: string) => JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id });
    await scratch.dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'siege'`, [spec('siege')]);

    const probeFile = path.join(os.tmpdir(), `sla-probe-${process.pid}.js`);
    if (TRACE) writeFileSync(probeFile, PROBE);
    for (let w = 0; w < WORKERS; w++) workers.push(spawn(process.execPath, [...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(TRACE ? ['--require', probeFile] : []), 'dist/apps/worker/apps/worker/src/main.js'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: scratch.url,
        REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
        FILES_ATTENTE: ON_POSTGRES ? 'postgres' : 'redis',
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'warn',
        SLA_RECONCILE_MS: String(RECONCILE_MS),
        DATABASE_POOL_MAX: process.env.BENCH_POOL ?? '20',
        ...(TRACE ? { BENCH_PROBE_OUT: `${TRACE}-worker${w}.probe.json` } : {}),
        ...(process.env.SLA_TIMER_CONCURRENCY ? { SLA_TIMER_CONCURRENCY: process.env.SLA_TIMER_CONCURRENCY } : {}),
        // 8 turns the outbox worker's yielding to fires off (FirePressure), to measure what it buys.
        ...(process.env.OUTBOX_CONCURRENCY_DURING_FIRES ? { OUTBOX_CONCURRENCY_DURING_FIRES: process.env.OUTBOX_CONCURRENCY_DURING_FIRES } : {}),
        ...(process.env.OUTBOX_PAUSE_DURING_FIRES_MS ? { OUTBOX_PAUSE_DURING_FIRES_MS: process.env.OUTBOX_PAUSE_DURING_FIRES_MS } : {}),
        ...(process.env.OUTBOX_WAKE_DURING_FIRES ? { OUTBOX_WAKE_DURING_FIRES: process.env.OUTBOX_WAKE_DURING_FIRES } : {}),
      },
    }));
    await new Promise((r) => setTimeout(r, 3000)); // boot

    // Timers first, then their clocks: the reconciler re-arms running clocks that have no timer,
    // and would otherwise race the set-up (in production each clock is armed right after its
    // own commit). Both must be done before the first clock is due: the lead grows with N.
    const clocks = planClocks(clockCount, Date.now() + LEAD_MS(clockCount), SPREAD_MS);
    const armStart = Date.now();
    await arm(queue, clocks, scratch);
    const armPerSec = clockCount / ((Date.now() - armStart) / 1000);
    const insertStart = Date.now();
    await insertClocks(scratch, clocks);
    const insertPerSec = clockCount / ((Date.now() - insertStart) / 1000);
    const marginS = (clocks[0].due - Date.now()) / 1000;

    const lastDue = Math.max(...clocks.map((c) => c.due));
    // On a loaded machine the worker may not keep up: the row then shows what fired in time
    // (fired < clocks, and the test fails after the table is written).
    const allFired = await until(
      async () => (await scratch.dataSource.query(`SELECT count(*)::int n FROM sla_declenchement`))[0].n >= clockCount,
      lastDue - Date.now() + GRACE_MS,
      'all breaches',
    ).then(
      () => true,
      () => false,
    );
    const [stats] = await scratch.dataSource.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY retard_ms) p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY retard_ms) p99,
              max(retard_ms) max, count(*)::int fired,
              (SELECT count(*)::int FROM timeline_event WHERE type = 'sla.depassement') timeline FROM sla_declenchement`,
    );
    // One statement, one snapshot: fires still going on (a partial row) cannot pass for duplicates.
    const timeline: number = stats.timeline;
    const workerCpuS = workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
    console.log(`${ON_POSTGRES ? 'PostgreSQL' : `hz ${hz}`}, ${clockCount} clocks: p50 ${stats.p50} p99 ${stats.p99} max ${stats.max} fired ${stats.fired} timeline ${timeline}`);
    const redisCpuS = redis ? cpuSeconds(redis.pid!) : NaN;
    if (TRACE) {
      // The late fires (over the p99), with their due and fire times, beside the worker's probe.
      const late = await scratch.dataSource.query(
        `SELECT (extract(epoch FROM at) * 1000)::bigint AS at, retard_ms FROM sla_declenchement WHERE retard_ms >= $1 ORDER BY at`,
        [Math.floor(Number(stats.p99))],
      );
      const perSecond: unknown[] = await scratch.dataSource.query(
        `SELECT (extract(epoch FROM date_trunc('second', at)) * 1000)::bigint AS s, count(*)::int n, max(retard_ms) max FROM sla_declenchement GROUP BY 1 ORDER BY 1`,
      );
      writeFileSync(`${TRACE}.json`, JSON.stringify({ hz, clockCount, stats, late, perSecond }));
    }

    const measured: Row = {
      what: 'relais',
      hz,
      clocks: clockCount,
      insertPerSec,
      armPerSec,
      marginS,
      p50: Number(stats.p50),
      p99: Number(stats.p99),
      max: Number(stats.max),
      fired: stats.fired,
      duplicates: timeline - stats.fired,
      peakRssMb: Math.max(...workers.map((w) => peakRssMb(w.pid!))),
      workerCpuS,
      redisCpuS,
      flushMaxLateMs: NaN,
      flushBoundMs: NaN,
      load: `${loadAtStart}–${loadAverage()}`,
    };
    if (!allFired) return measured;
    // A flush with clocks pending: the reconciler re-arms them; lateness bounded by its period + 1 s.
    const pending = planClocks(FLUSH_CLOCKS, Date.now() + 15_000, 30_000);
    await arm(queue, pending, scratch);
    await insertClocks(scratch, pending);
    await new Promise((r) => setTimeout(r, 5000));
    if (redis) {
      const flushClient = new Redis({ port: REDIS_PORT });
      await flushClient.flushall();
      flushClient.disconnect();
    } else {
      // On PostgreSQL the timers are rows of sla_minuterie: losing them is deleting them.
      await scratch.ownerQuery(`DELETE FROM sla_minuterie WHERE horloge_id = ANY($1::uuid[])`, [pending.map((c) => c.id)]);
    }
    const flushedAt = Date.now();
    await until(
      async () => (await scratch.dataSource.query(`SELECT count(*)::int n FROM sla_declenchement`))[0].n >= clockCount + FLUSH_CLOCKS,
      90_000,
      'breaches after the flush',
    );
    const [{ late }] = await scratch.dataSource.query(
      `SELECT max(extract(epoch FROM d.at) * 1000 - greatest(extract(epoch FROM h.echeance) * 1000, $2)) late
         FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.id = ANY($1::uuid[])`,
      [pending.map((c) => c.id), flushedAt],
    );
    return {
      ...measured,
      peakRssMb: Math.max(...workers.map((w) => peakRssMb(w.pid!))),
      flushMaxLateMs: Number(late),
      flushBoundMs: RECONCILE_MS + 1000,
      load: `${loadAtStart}–${loadAverage()}`,
    };
  } finally {
    await queue?.close();
    for (const w of workers) {
      w.kill('SIGTERM');
      await new Promise((r) => w.once('exit', r));
    }
    await scratch.drop();
    if (redis) {
      redis.kill('SIGTERM');
      await new Promise((r) => redis.once('exit', r));
    }
  }
}

function table(rows: Row[]): string {
  const head = (ON_POSTGRES ? '| backend' : '| Redis hz') + ' | clocks | what | armed/s | inserted/s | set-up margin | lateness p50 | p99 | p99 ÷ bare | max | fired | duplicates | worker peak RSS | CPU s: worker(s), Redis | after flush: max lateness (bound) | load avg |';
  const sep = '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const n = (x: number) => (Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en'));
  const lines = rows.map((r) => {
    const bare = rows.find((b) => b.what === 'bare' && b.hz === r.hz && b.clocks === r.clocks);
    const ratio = r.what === 'relais' && bare ? `${(r.p99 / bare.p99).toFixed(1)}×` : '—';
    const flush = Number.isNaN(r.flushMaxLateMs) ? '—' : `${r.flushMaxLateMs.toFixed(0)} ms (< ${r.flushBoundMs} ms)`;
    return (
      `| ${ON_POSTGRES ? 'PostgreSQL' : r.hz} | ${r.clocks.toLocaleString('en')} | ${r.what === 'bare' ? 'bare BullMQ' : 'Relais'} | ${n(r.armPerSec)} | ${n(r.insertPerSec)} | ${r.marginS.toFixed(0)} s | ` +
      `${r.p50.toFixed(0)} ms | ${r.p99.toFixed(0)} ms | ${ratio} | ${r.max} ms | ${r.fired.toLocaleString('en')} | ${r.what === 'bare' ? '—' : r.duplicates} | ${r.peakRssMb.toFixed(0)} MB | ` +
      `${r.workerCpuS.toFixed(0)}, ${Number.isNaN(r.redisCpuS) ? '—' : r.redisCpuS.toFixed(0)} | ${flush} | ${r.load} |`
    );
  });
  return [head, sep, ...lines].join('\n');
}

describe('SLA timer benchmark', () => {
  it('measures breach lateness, arming rate and worker memory', async () => {
    const build = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'worker'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(build.stdout + build.stderr);
    const rows: Row[] = [];
    // The reference first, on a Redis of its own with the same hz, then Relais: one run, one ratio.
    for (const hz of HZ)
      for (const clocks of SCENARIOS) {
        if (BARE) rows.push(await runBare(hz, clocks));
        rows.push(await runOne(hz, clocks));
      }
    const out = table(rows);
    console.log(`\n${out}\n`);
    const doc = path.join(ROOT, 'docs/benchmarks.md');
    const title = ON_POSTGRES ? '## SLA timers on PostgreSQL (FILES_ATTENTE=postgres)' : '## SLA timers';
    const section = ON_POSTGRES
      ? `${title}\n\n` +
        `\`BENCH_BACKEND=postgres npm run bench -- test/bench/sla-timers.bench.ts\` on ${new Date().toISOString().slice(0, 10)}, this machine (2 cores), ` +
        `PostgreSQL 15, no Redis: the timers are rows of \`sla_minuterie\` fired by the worker's poller (ADR 0022), ${WORKERS} compiled worker process(es) ` +
        `(SLA_TIMER_CONCURRENCY 50, DATABASE_POOL_MAX 20 each; CPU seconds are the workers' only: PostgreSQL's backends are not counted). ` +
        `Same clocks and spread as above; the "flush" deletes the ${FLUSH_CLOCKS.toLocaleString('en')} pending timer rows, ` +
        `reconciler period ${RECONCILE_MS / 1000} s.\n\n${out}\n`
      : `${title}\n\n` +
      `\`npm run bench -- test/bench/sla-timers.bench.ts\` on ${new Date().toISOString().slice(0, 10)}, this machine (2 cores), ` +
      `PostgreSQL 15, Redis 7.0 started by the benchmark with the given \`hz\`, ${WORKERS} compiled worker process(es) ` +
      `(SLA_TIMER_CONCURRENCY 50, DATABASE_POOL_MAX 20 each; peak RSS is the largest worker's; CPU seconds from boot to the last breach, all workers together, and Redis's). N running clocks due over ${SPREAD_MS / 1000} s on a 24/7 calendar, their timers armed first (set-up margin: time left between the end of the set-up and the first due clock); ` +
      `lateness = timeline event time − due time. Bare BullMQ, the reference: the same number of delayed jobs with the same spread on a fresh Redis with the same \`hz\`, worker in a process of its own (concurrency 50, lock 10 s) whose empty processor records lateness = its start − due time; measured just before Relais in the same run. ` +
      `Load avg: the 1-minute load average at the start and the end of each row (2 cores, shared machine). Then ${FLUSH_CLOCKS.toLocaleString('en')} clocks pending, Redis FLUSHALL, ` +
      `reconciler period ${RECONCILE_MS / 1000} s.\n\n${out}\n`;
    let text = '';
    try {
      text = readFileSync(doc, 'utf8');
    } catch {
      text = '# Benchmarks\n\nFigures measured on this project\'s machine kind; each section says how to reproduce it.\n\n';
    }
    // The intro and the table are the run's; what follows them (the notes) is kept.
    const existing = new RegExp(`${title.replace(/[()=]/g, '\\$&')}\n\n[^\n]*\n\n(?:\\|[^\n]*\n?)+`);
    text = existing.test(text) ? text.replace(existing, section) : `${text.trimEnd()}\n\n${section}`;
    writeFileSync(doc, text);
    for (const r of rows) {
      expect(r.fired).toBe(r.clocks);
      if (r.what === 'bare') continue;
      expect(r.duplicates).toBe(0);
    }
  }, 60 * 60_000);
});
