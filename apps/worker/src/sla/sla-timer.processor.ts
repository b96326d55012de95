import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig, QueueName } from '@app/core';
import { FireOutcome, SlaFirer, SlaTimerJob } from '@app/sla';

/**
 * SLA timers, on their own queue and worker: no other backlog can delay them. A fire takes
 * milliseconds, so a short lock is safe, and it bounds how late the timers a crashed worker had
 * in hand are taken over by another (BullMQ's default is 30 s).
 */
@Processor(QueueName.SlaTimers, { lockDuration: 10_000, stalledInterval: 10_000 })
export class SlaTimerProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(SlaTimerProcessor.name);

  constructor(
    private readonly firer: SlaFirer,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.SLA_TIMER_CONCURRENCY;
  }

  process(job: Job<SlaTimerJob>): Promise<FireOutcome> {
    return this.firer.fire(job.data.horlogeId, job.data.generation, job.data.type);
  }

  /** Redis errors (a restart, a flush under a running job): logged; BullMQ reconnects and the reconciler repairs. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.warn({ err: err.message }, 'queue worker error');
  }
}
