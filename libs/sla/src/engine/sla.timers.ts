import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, QueueName, queuesOnPostgres } from '@app/core';
import type { TimerPlan, TimerType } from './sla.engine';

export interface SlaTimerJob {
  horlogeId: string;
  generation: number;
  type: TimerType;
  /** The planned instant (ms), to measure lateness. */
  at: number;
}

/** Deterministic: a new generation is a new job, so BullMQ never swallows a re-armed timer. */
export function timerJobId(horlogeId: string, type: TimerType, generation: number): string {
  return `sla-${horlogeId}-${type}-${generation}`;
}

/** The channel that wakes the workers' timer pollers when a timer is armed (FILES_ATTENTE=postgres). */
export const SLA_MINUTERIE_CHANNEL = 'relais_sla_minuterie';

/**
 * The fast path of SLA timers: delayed jobs on their own queue. Losing one is harmless: the
 * clock rows are the truth and the reconciler re-arms what Redis lost.
 * With FILES_ATTENTE=postgres the timers are rows of `sla_minuterie` instead, same ids, fired by
 * the worker's SlaMinuteriePoller (ADR 0022: BullMQ's PostgreSQL backend fires a burst too late).
 */
@Injectable()
export class SlaTimers {
  private readonly logger = new Logger(SlaTimers.name);

  private readonly onPostgres: boolean;

  constructor(
    @InjectQueue(QueueName.SlaTimers) readonly queue: Queue<SlaTimerJob>,
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.onPostgres = queuesOnPostgres(config);
  }

  async apply(plan: TimerPlan): Promise<void> {
    try {
      if (this.onPostgres) {
        if (plan.drop.length > 0) {
          await this.dataSource.query(`DELETE FROM sla_minuterie WHERE id = ANY($1::text[])`, [plan.drop.map((t) => timerJobId(t.horlogeId, t.type, t.generation))]);
        }
        await this.arm(plan.arm);
        return;
      }
      await Promise.all(plan.drop.map((t) => this.queue.remove(timerJobId(t.horlogeId, t.type, t.generation)).catch(() => 0)));
      await this.arm(plan.arm);
    } catch (err) {
      // The reconciler will re-arm from the rows; a lost timer is late by one period at most.
      this.logger.warn({ err }, 'arming SLA timers failed; the reconciler will repair');
    }
  }

  async arm(timers: TimerPlan['arm']): Promise<void> {
    if (timers.length === 0) return;
    if (this.onPostgres) return armTimerRows((sql, params) => this.dataSource.query(sql, params), timers);
    const now = Date.now();
    await this.queue.addBulk(
      timers.map((t) => ({
        name: t.type,
        data: { horlogeId: t.horlogeId, generation: t.generation, type: t.type, at: t.at.getTime() },
        opts: { jobId: timerJobId(t.horlogeId, t.type, t.generation), delay: Math.max(0, t.at.getTime() - now) },
      })),
    );
  }

  /** Timer jobs the queue holds, whatever their state (one round trip): the reconciler's first check. */
  async count(): Promise<number> {
    if (this.onPostgres) return (await this.dataSource.query(`SELECT count(*)::int AS n FROM sla_minuterie`))[0].n;
    const counts = await this.queue.getJobCounts('delayed', 'wait', 'active', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /**
   * True for one caller per interval across every worker (SET NX with an expiry): whose turn it
   * is to check every running clock. A flush removes the key, so the next caller checks at once.
   */
  async claimFullPass(intervalMs: number): Promise<boolean> {
    if (this.onPostgres) return claimToken(this.dataSource, `${this.queue.name}-reconciler-full-pass`, intervalMs);
    const client = (await this.queue.getBackend().client) as unknown as Redis;
    return (await client.set(this.queue.toKey('reconciler-full-pass'), String(Date.now()), 'PX', intervalMs, 'NX')) === 'OK';
  }

  /** Which of these job ids Redis does not hold (one round trip per 5,000). */
  async missing(jobIds: string[]): Promise<Set<string>> {
    if (this.onPostgres) {
      const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM sla_minuterie WHERE id = ANY($1::text[])`, [jobIds]);
      const held = new Set(rows.map((r) => r.id));
      return new Set(jobIds.filter((id) => !held.has(id)));
    }
    // BullMQ types its client as a generic one; it is the ioredis instance we gave it.
    const client = (await this.queue.getBackend().client) as unknown as Redis;
    const out = new Set<string>();
    for (let i = 0; i < jobIds.length; i += 5000) {
      const chunk = jobIds.slice(i, i + 5000);
      const pipeline = client.pipeline();
      for (const id of chunk) pipeline.exists(this.queue.toKey(id));
      const results = ((await pipeline.exec()) ?? []) as Array<[Error | null, unknown]>;
      results.forEach(([, exists]: [Error | null, unknown], k: number) => {
        if (!exists) out.add(chunk[k]);
      });
    }
    return out;
  }
}

/**
 * SET NX PX on PostgreSQL: true for the one caller that finds the token absent or expired, which
 * then holds it for `ttlMs`. The upsert's row lock makes two callers take turns, and only the
 * first sees an expired token.
 */
export async function claimToken(dataSource: DataSource, key: string, ttlMs: number): Promise<boolean> {
  const rows: unknown[] = await dataSource.query(
    `INSERT INTO file_attente_jeton (cle, expire_a) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
     ON CONFLICT (cle) DO UPDATE SET expire_a = EXCLUDED.expire_a WHERE file_attente_jeton.expire_a <= clock_timestamp()
     RETURNING cle`,
    [key, ttlMs],
  );
  return rows.length === 1;
}

/**
 * Arms timers as rows of `sla_minuterie` (FILES_ATTENTE=postgres): a timer already there (same
 * id: same clock, kind and generation) is left as it is, as BullMQ ignores a repeated job id;
 * one NOTIFY wakes the pollers, which then sleep until the soonest row.
 */
export async function armTimerRows(query: (sql: string, params: unknown[]) => Promise<unknown>, timers: TimerPlan['arm']): Promise<void> {
  if (timers.length === 0) return;
  await query(
    `WITH armed AS (
       INSERT INTO sla_minuterie (id, horloge_id, generation, type, echeance)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[])
       ON CONFLICT (id) DO NOTHING RETURNING 1)
     SELECT pg_notify($6, '') FROM (SELECT 1) one WHERE EXISTS (SELECT 1 FROM armed)`,
    [
      timers.map((t) => timerJobId(t.horlogeId, t.type, t.generation)),
      timers.map((t) => t.horlogeId),
      timers.map((t) => t.generation),
      timers.map((t) => t.type),
      timers.map((t) => t.at.toISOString()),
      SLA_MINUTERIE_CHANNEL,
    ],
  );
}
