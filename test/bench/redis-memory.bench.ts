import '../setup/register-aliases';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppConfig, QueueName, redisOptions } from '@app/core';
import { addArms, BusinessCalendar, emptyPlan, NETWORK_CALENDAR, SLA_TIMER_JOB_OPTIONS, SlaClock, SlaTimerJob, SlaTimers, TimerPlan } from '@app/sla';
import { startBenchRedis } from './bench-redis';

/**
 * Redis memory per armed SLA clock (issue #16, docs/scaling.md). Clocks are started as the engine
 * starts them (SlaClock.start on the network calendar with the default policies' targets, then
 * the engine's own addArms: a running clock has a warning and a breach timer) and armed through
 * the engine's SlaTimers on a queue registered with SLA_TIMER_JOB_OPTIONS, as SlaModule does;
 * Redis INFO memory is read before and at each checkpoint. The first part is armed one clock per
 * call with 50 calls in flight (as requests do), the rest 1,000 clocks per call (as the
 * reconciler does after a loss). Then every key is checked to carry the prefix's hash tag.
 *
 * BENCH_REDIS_CLOCKS: checkpoints, cumulative (default 10000; the docs' figures: 100000,1000000).
 * BENCH_REDIS_PREFIX: the QUEUE_PREFIX (default `{relais}`, the Redis Cluster form).
 * BENCH_REDIS_PORT: the redis-server the benchmark starts (default 6414; no persistence).
 * BENCH_REDIS_ARGS: more redis-server arguments, e.g. `--hash-max-listpack-value 128` (a timer
 * job's `data` and `opts` fields are longer than the default 64 bytes, so its hash is a real
 * hash table instead of a compact listpack).
 */
const REDIS_ARGS = (process.env.BENCH_REDIS_ARGS ?? '').split(' ').filter(Boolean);
const CHECKPOINTS = (process.env.BENCH_REDIS_CLOCKS ?? '10000').split(',').map(Number).sort((a, b) => a - b);
const PREFIX = process.env.BENCH_REDIS_PREFIX ?? '{relais}';
const PORT = Number(process.env.BENCH_REDIS_PORT ?? 6414);
/** Clocks armed one per call (as a request arms its own), at most this many or a tenth of the total. */
const PER_REQUEST_MAX = 50_000;
const IN_FLIGHT = 50;
const BULK = 1000;
/** The default policies' targets in business minutes (migration Sla): prise en charge, réponse, relais. */
const TARGETS = [480, 120, 1440, 480, 420];

async function memory(client: Redis): Promise<{ used: number; rss: number }> {
  const info = await client.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)![1]);
  return { used: field('used_memory'), rss: field('used_memory_rss') };
}

/** Redis Cluster's rule: the slot is computed from the text between the first `{` and the next `}`, when not empty. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

/** A clock started now by the engine's rules: its timers. */
function plan(calendar: BusinessCalendar, k: number, at: Date): TimerPlan['arm'] {
  const p = emptyPlan();
  addArms(p, randomUUID(), SlaClock.start(at, TARGETS[k % TARGETS.length], 75, calendar));
  return p.arm;
}

interface Checkpoint {
  clocks: number;
  timers: number;
  used: number;
  rss: number;
  armSeconds: number;
}

describe('Redis memory per armed SLA clock', () => {
  it('arms clocks through SlaTimers and reads INFO memory', async () => {
    const redis = await startBenchRedis(PORT, REDIS_ARGS);
    const admin = new Redis({ port: PORT });
    const queue = new Queue<SlaTimerJob>(QueueName.SlaTimers, {
      connection: redisOptions(`redis://127.0.0.1:${PORT}`, 'producer') as never,
      prefix: PREFIX,
      defaultJobOptions: SLA_TIMER_JOB_OPTIONS,
    });
    // Redis mode: the DataSource serves the PostgreSQL timer table only (FILES_ATTENTE=postgres).
    const timers = new SlaTimers(queue, { FILES_ATTENTE: 'redis' } as AppConfig, undefined as unknown as DataSource);
    const calendar = new BusinessCalendar(NETWORK_CALENDAR);
    try {
      await queue.waitUntilReady();
      const before = await memory(admin);
      const total = CHECKPOINTS[CHECKPOINTS.length - 1];
      const perRequest = Math.min(PER_REQUEST_MAX, Math.ceil(total / 10));
      const rows: Checkpoint[] = [];
      let armed = 0;
      let timerCount = 0;
      let armMs = 0;
      let perRequestRate = 0;
      let bulkMs = 0;
      let bulkClocks = 0;
      for (const checkpoint of CHECKPOINTS) {
        // One clock per call, IN_FLIGHT calls at once: requests arming their own clock.
        if (armed < perRequest) {
          const target = Math.min(perRequest, checkpoint);
          const start = Date.now();
          const count = target - armed;
          let next = armed;
          await Promise.all(
            Array.from({ length: IN_FLIGHT }, async () => {
              while (next < target) {
                const arms = plan(calendar, next++, new Date());
                timerCount += arms.length;
                await timers.apply({ arm: arms, drop: [] });
              }
            }),
          );
          const ms = Date.now() - start;
          armMs += ms;
          perRequestRate = count / (ms / 1000);
          armed = target;
        }
        // The rest in batches, as the reconciler re-arms.
        while (armed < checkpoint) {
          const n = Math.min(BULK, checkpoint - armed);
          const now = new Date();
          const arms = Array.from({ length: n }, (_, k) => plan(calendar, armed + k, now)).flat();
          const start = Date.now();
          await timers.arm(arms);
          const ms = Date.now() - start;
          armMs += ms;
          bulkMs += ms;
          bulkClocks += n;
          timerCount += arms.length;
          armed += n;
        }
        const m = await memory(admin);
        rows.push({ clocks: armed, timers: timerCount, used: m.used - before.used, rss: m.rss - before.rss, armSeconds: armMs / 1000 });
      }

      const delayed = await queue.getDelayedCount();
      // Every key the queue wrote carries the prefix's hash tag: one slot in a Redis Cluster.
      let keys = 0;
      const untagged: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await admin.scan(cursor, 'COUNT', 10_000);
        cursor = next;
        keys += batch.length;
        for (const key of batch) if (hashTag(key) !== hashTag(PREFIX)) untagged.push(key);
      } while (cursor !== '0');
      const sampleKey = queue.toKey((await queue.getDelayed(0, 0))[0].id!);
      const sampleJob = await admin.memory('USAGE', sampleKey);
      const encoding = await admin.object('ENCODING', sampleKey);
      const fields = await admin.hgetall(sampleKey);
      const longest = Object.entries(fields).sort((a, b) => b[1].length - a[1].length)[0];
      const delayedSet = await admin.memory('USAGE', queue.toKey('delayed'));
      const events = await admin.memory('USAGE', queue.toKey('events'));

      const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
      const lines = [
        '| armed clocks | timer jobs | used_memory growth | per clock | per timer job | RSS growth | arming time (s) |',
        '|---:|---:|---:|---:|---:|---:|---:|',
        ...rows.map((r) => `| ${r.clocks.toLocaleString('en')} | ${r.timers.toLocaleString('en')} | ${mb(r.used)} MiB | ${Math.round(r.used / r.clocks)} B | ${Math.round(r.used / r.timers)} B | ${mb(r.rss)} MiB | ${r.armSeconds.toFixed(1)} |`),
      ];
      if (rows.length > 1) {
        const [a, b] = [rows[rows.length - 2], rows[rows.length - 1]];
        lines.push(`| marginal ${a.clocks.toLocaleString('en')} → ${b.clocks.toLocaleString('en')} | ${(b.timers - a.timers).toLocaleString('en')} | ${mb(b.used - a.used)} MiB | ${Math.round((b.used - a.used) / (b.clocks - a.clocks))} B | ${Math.round((b.used - a.used) / (b.timers - a.timers))} B | | |`);
      }
      const out =
        `${lines.join('\n')}\n\n` +
        `Arming rate: ${Math.round(perRequestRate).toLocaleString('en')} clocks/s one clock per call (${IN_FLIGHT} calls in flight, first ${perRequest.toLocaleString('en')} clocks), ` +
        `${bulkClocks ? Math.round(bulkClocks / (bulkMs / 1000)).toLocaleString('en') : '—'} clocks/s ${BULK.toLocaleString('en')} clocks per call. ` +
        `Prefix ${PREFIX}: ${keys.toLocaleString('en')} keys, ${untagged.length} without the hash tag {${hashTag(PREFIX) ?? ''}}${untagged.length ? ` (${untagged.slice(0, 3).join(', ')})` : ''}. ` +
        `A timer job: ${Object.keys(fields).length} fields, encoding ${encoding}, longest field \`${longest[0]}\` ${longest[1].length} B; ` +
        `MEMORY USAGE: one timer job ${sampleJob} B, the delayed set ${mb(Number(delayedSet))} MiB, the events stream ${mb(Number(events))} MiB.`;
      console.log(`\nRedis memory per armed SLA clock (prefix ${PREFIX}${REDIS_ARGS.length ? `, redis-server ${REDIS_ARGS.join(' ')}` : ''})\n\n${out}\n`);

      expect(delayed).toBe(timerCount);
      expect(hashTag(PREFIX) === null || untagged.length === 0).toBe(true);
    } finally {
      await queue.close();
      admin.disconnect();
      redis.kill('SIGTERM');
      await new Promise((r) => redis.once('exit', r));
    }
  }, 60 * 60_000);
});
