import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, QUEUE_SCHEMA, QueueName, queuesOnPostgres } from '@app/core';
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

/**
 * The fast path of SLA timers: delayed jobs on their own queue. Losing one is harmless: the
 * clock rows are the truth and the reconciler re-arms what Redis lost.
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
      await Promise.all(plan.drop.map((t) => this.queue.remove(timerJobId(t.horlogeId, t.type, t.generation)).catch(() => 0)));
      await this.arm(plan.arm);
    } catch (err) {
      // The reconciler will re-arm from the rows; a lost timer is late by one period at most.
      this.logger.warn({ err }, 'arming SLA timers failed; the reconciler will repair');
    }
  }

  async arm(timers: TimerPlan['arm']): Promise<void> {
    if (timers.length === 0) return;
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
      // BullMQ's job table on PostgreSQL (ADR 0022): one indexed lookup by (queue, id).
      const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM "${QUEUE_SCHEMA}".job WHERE queue = $1 AND id = ANY($2::text[])`, [
        this.queue.name,
        jobIds,
      ]);
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
