import '../setup/register-aliases';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig, QueueName, redisOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { SLA_TIMER_JOB_OPTIONS, SlaReconciler, SlaTimerJob, SlaTimers } from '@app/sla';
import { createScratchDatabase } from '../setup/scratch-database';
import { insertClocks } from './bench-clocks';
import { startBenchRedis } from './bench-redis';

/**
 * Many armed SLA clocks at rest (issue #17: "1M armed clocks: arming rate, Redis memory,
 * reconciler pass time"). N running clocks due between 1 h and 25 h from now (nothing fires
 * during the benchmark), their timers armed through the engine's SlaTimers.arm, 1,000 a call
 * (as the reconciler re-arms), on a Redis of the benchmark's own; then the engine's
 * SlaReconciler, run in this process against the same PostgreSQL and Redis:
 *  - the periodic full pass, nothing missing (every running clock read, every timer looked up, paced);
 *  - a routine period (the two counts agree: nothing is read);
 *  - a forced full pass, nothing missing (no pause between pages);
 *  - after a Redis FLUSHALL, the pass that finds every timer missing and re-arms them all.
 * Redis used_memory is read before arming, after it, and after the re-arming.
 *
 * BENCH_ARMED_CLOCKS (default 100000; the figure: 1000000, ~8 min on 2 cores),
 * BENCH_REPEAT (default 1: how many times the whole scenario runs, one row each),
 * BENCH_REDIS_PORT (default 6392), BENCH_HZ (default 100).
 */
const ROOT = path.resolve(__dirname, '../..');
const CLOCKS = Number(process.env.BENCH_ARMED_CLOCKS ?? 100_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6392);
const HZ = Number(process.env.BENCH_HZ ?? 100);
/**
 * The period the reconciler is told: long, so that the periodic full pass it claims on its first
 * call (for 10 periods) is still claimed at the second call, whatever the first one took; the
 * passes are timed, not scheduled, here.
 */
const RECONCILE_MS = 3600_000;
const BULK = 1000;

interface Row {
  clocks: number;
  armPerSec: number;
  insertPerSec: number;
  usedMb: number;
  perTimerB: number;
  countPassMs: number;
  routinePassMs: number;
  fullPassMs: number;
  fullPassRearmed: number;
  flushPassMs: number;
  flushRearmed: number;
  usedAfterRearmMb: number;
  load: string;
}

async function usedMemory(client: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await client.info('memory'))![1]);
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await run();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

async function runOnce(): Promise<Row> {
  const loadAtStart = loadAverage();
  const redis = await startBenchRedis(PORT, ['--hz', String(HZ)]);
  const admin = new Redis({ port: PORT });
  const scratch = await createScratchDatabase('relais_test_bench_sla_armed');
  const queue = new Queue<SlaTimerJob>(QueueName.SlaTimers, {
    connection: redisOptions(`redis://127.0.0.1:${PORT}`, 'producer') as never,
    prefix: '{relais}',
    defaultJobOptions: SLA_TIMER_JOB_OPTIONS,
  });
  try {
    await seedDemoData(scratch.dataSource);
    await queue.waitUntilReady();
    const config = { FILES_ATTENTE: 'redis', SLA_RECONCILE_MS: RECONCILE_MS } as AppConfig;
    const timers = new SlaTimers(queue, config, scratch.dataSource);
    const reconciler = new SlaReconciler(scratch.dataSource, timers, config);

    const from = Date.now() + 3600_000;
    const clocks = Array.from({ length: CLOCKS }, (_, k) => ({ id: randomUUID(), due: Math.round(from + (k * 24 * 3600_000) / CLOCKS) }));
    const before = await usedMemory(admin);
    const [, armMs] = await timed(async () => {
      for (let i = 0; i < clocks.length; i += BULK) {
        await timers.arm(clocks.slice(i, i + BULK).map((c) => ({ horlogeId: c.id, generation: 1, type: 'depassement' as const, at: new Date(c.due) })));
      }
    });
    const used = (await usedMemory(admin)) - before;
    // Each step is logged as it ends: a long run stopped half-way still says what it measured.
    const step = (what: string, ms: number, extra = '') => console.log(`${CLOCKS} armed clocks: ${what} ${(ms / 1000).toFixed(1)} s ${extra}`);
    step('armed in', armMs, `(${Math.round(CLOCKS / (armMs / 1000))}/s), used_memory +${(used / 1024 / 1024).toFixed(0)} MiB`);
    const [, insertMs] = await timed(() => insertClocks(scratch, clocks));
    step('clocks inserted in', insertMs);

    // The first period of a worker claims the periodic full pass (50 ms pause between pages); the next one only counts.
    const [routine, routinePassMs] = await timed(() => reconciler.reconcile());
    step('periodic full pass', routinePassMs, JSON.stringify(routine));
    const [count, countPassMs] = await timed(() => reconciler.reconcile());
    step('routine period', countPassMs, JSON.stringify(count));
    const [full, fullPassMs] = await timed(() => reconciler.reconcile({ full: true }));
    step('forced full pass', fullPassMs, JSON.stringify(full));
    await admin.flushall();
    const [flush, flushPassMs] = await timed(() => reconciler.reconcile());
    const usedAfter = (await usedMemory(admin)) - before;
    const delayed = await queue.getDelayedCount();
    step('pass after FLUSHALL', flushPassMs, `${JSON.stringify(flush)}, delayed ${delayed}, used_memory +${(usedAfter / 1024 / 1024).toFixed(0)} MiB`);
    expect(routine.pass).toBe('full');
    expect(count.pass).toBe('count');
    expect(routine.rearmed).toBe(0);
    expect(full.rearmed).toBe(0);
    expect(flush.rearmed).toBe(CLOCKS);
    expect(delayed).toBe(CLOCKS);
    return {
      clocks: CLOCKS,
      armPerSec: CLOCKS / (armMs / 1000),
      insertPerSec: CLOCKS / (insertMs / 1000),
      usedMb: used / 1024 / 1024,
      perTimerB: used / CLOCKS,
      countPassMs,
      routinePassMs,
      fullPassMs,
      fullPassRearmed: full.rearmed,
      flushPassMs,
      flushRearmed: flush.rearmed,
      usedAfterRearmMb: usedAfter / 1024 / 1024,
      load: `${loadAtStart}–${loadAverage()}`,
    };
  } finally {
    await queue.close();
    admin.disconnect();
    await scratch.drop();
    redis.kill('SIGTERM');
    await new Promise((r) => redis.once('exit', r));
  }
}

function table(rows: Row[]): string {
  const n = (x: number) => Math.round(x).toLocaleString('en');
  return [
    '| armed clocks (timers) | armed/s (1,000 a call) | Redis used_memory | per timer | clocks inserted/s | reconciler: routine period (counts) | periodic full pass (paced) | forced full pass | after FLUSHALL: pass re-arming all | re-armed | used_memory after | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${n(r.clocks)} | ${n(r.armPerSec)} | ${r.usedMb.toFixed(0)} MiB | ${n(r.perTimerB)} B | ${n(r.insertPerSec)} | ${n(r.countPassMs)} ms | ${(r.routinePassMs / 1000).toFixed(1)} s | ${(r.fullPassMs / 1000).toFixed(1)} s | ` +
        `${(r.flushPassMs / 1000).toFixed(1)} s | ${n(r.flushRearmed)} | ${r.usedAfterRearmMb.toFixed(0)} MiB | ${r.load} |`,
    ),
  ].join('\n');
}

describe('SLA timers: many armed clocks', () => {
  it('measures the arming rate, Redis memory and the reconciler passes', async () => {
    const rows: Row[] = [];
    for (let k = 0; k < REPEAT; k++) rows.push(await runOnce());
    const out = table(rows);
    console.log(`\n${out}\n`);
    const doc = path.join(ROOT, 'docs/benchmarks.md');
    const title = '### Armed clocks at rest';
    const section =
      `${title}\n\n` +
      `\`BENCH_ARMED_CLOCKS=${CLOCKS} BENCH_REPEAT=${REPEAT} npm run bench -- test/bench/sla-armed.bench.ts\` on ${new Date().toISOString().slice(0, 10)}, this machine (2 cores), ` +
      `PostgreSQL 15, Redis 7.0 started by the benchmark (\`hz ${HZ}\`, prefix \`{relais}\`). Running clocks due between 1 h and 25 h from now, one breach timer each, ` +
      `armed through SlaTimers.arm ${BULK.toLocaleString('en')} a call; the engine's SlaReconciler run in the benchmark's process, nothing missing: the periodic full pass (every 10 periods; ` +
      `50 ms pause between pages of 2,000), a routine period (the counts agree, nothing read), a forced full pass (no pause); then FLUSHALL and the pass that re-arms everything. ` +
      `Load avg: the 1-minute load average at the start and the end of each row.\n\n${out}\n`;
    let text = readFileSync(doc, 'utf8');
    const existing = new RegExp(`${title}\n\n[^\n]*\n\n(?:\\|[^\n]*\n?)+`);
    if (existing.test(text)) text = text.replace(existing, section);
    else text = text.replace(/\n## SLA dashboards\n/, `\n${section}\n## SLA dashboards\n`);
    writeFileSync(doc, text);
  }, 60 * 60_000);
});
