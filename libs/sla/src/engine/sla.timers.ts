import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName } from '@app/core';
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

  constructor(@InjectQueue(QueueName.SlaTimers) readonly queue: Queue<SlaTimerJob>) {}

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

  /** Which of these job ids Redis does not hold (one round trip). */
  async missing(jobIds: string[]): Promise<Set<string>> {
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
