import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '@app/core';
import { webhookJobId } from './webhook.retry';

/** A delivery job carries the delivery's id only: the row is the truth (attempt, payload, endpoint). */
export interface WebhookJob {
  livraisonId: string;
}

/**
 * Retries here are for the worker's own failures (PostgreSQL away); the receiver's failures are
 * retried on the delivery's schedule, by new jobs. Jobs are removed once done: a delivery whose
 * job was lost is found by the reconciler from its row.
 */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** Enqueues delivery attempts; the job id names the attempt, so enqueuing one twice is harmless. */
@Injectable()
export class WebhookQueue {
  constructor(@InjectQueue(QueueName.Webhooks) private readonly queue: Queue<WebhookJob>) {}

  async enqueue(attempts: Array<{ livraisonId: string; tentative: number; delayMs?: number }>): Promise<void> {
    if (attempts.length === 0) return;
    await this.queue.addBulk(
      attempts.map((a) => ({
        name: 'livraison',
        data: { livraisonId: a.livraisonId },
        opts: { jobId: webhookJobId(a.livraisonId, a.tentative), delay: Math.max(0, a.delayMs ?? 0) },
      })),
    );
  }

  /** Wakes a parked attempt (waiting behind the endpoint's concurrency limit) now; false if it is not parked. */
  async promote(livraisonId: string, tentative: number): Promise<boolean> {
    const job = await this.queue.getJob(webhookJobId(livraisonId, tentative));
    if (!job || !(await job.isDelayed())) return false;
    try {
      await job.promote();
      return true;
    } catch {
      // Promoted or taken meanwhile by another worker: it runs anyway.
      return false;
    }
  }
}
