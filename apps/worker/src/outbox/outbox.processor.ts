import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { FirePressure } from '../sla/fire-pressure';
import { AppConfig, claimEvent, redisOutageLog, OUTBOX_CONSUMERS, OutboxConsumer, OutboxJob, OutboxMessage, QueueName } from '@app/core';

/**
 * Delivers one outbox event to every consumer interested in its type. Each consumer runs in its
 * own transaction with its idempotency key, so a retried job re-runs only the consumers that
 * failed, and a redelivered event is applied once.
 */
/**
 * Lock and stalled check: a job takes milliseconds, so a short lock is safe, and a job held by
 * a crashed worker is taken over within lockDuration + stalledInterval (7.5 s at most; BullMQ's
 * defaults, 30 s + 30 s, made a question's clocks start after its warning was due). A job may
 * stall twice (two workers killed in turn) before BullMQ fails it; a failed one is sent again
 * by the relay's redelivery anyway (OutboxRelay.redeliverLost).
 */
export const OUTBOX_WORKER_OPTIONS = { concurrency: 8, lockDuration: 5_000, stalledInterval: 2_500, maxStalledCount: 2 };

@Processor(QueueName.Outbox, OUTBOX_WORKER_OPTIONS)
export class OutboxProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:outbox');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly pressure: FirePressure,
    @Optional() @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumer[] = [],
  ) {
    super();
  }

  /** Takes fewer jobs at once while this process fires SLA timers (FirePressure). */
  onApplicationBootstrap(): void {
    this.pressure.onChange((busy) => {
      this.worker.concurrency = busy ? this.config.OUTBOX_CONCURRENCY_DURING_FIRES : OUTBOX_WORKER_OPTIONS.concurrency;
    });
  }

  async process(job: Job<OutboxJob>): Promise<void> {
    const message = await this.dataSource.getRepository(OutboxMessage).findOneBy({ id: job.data.eventId });
    if (!message) {
      this.logger.warn({ eventId: job.data.eventId }, 'outbox row gone; nothing to deliver');
      return;
    }
    const event = {
      eventId: message.id,
      type: message.type,
      aggregateType: message.aggregateType,
      aggregateId: message.aggregateId,
      payload: message.payload,
    };
    for (const consumer of this.consumers.filter((c) => c.handles(message.type))) {
      const afterCommit = await this.dataSource.transaction(async (manager) =>
        (await claimEvent(manager, consumer.name, message.id)) ? consumer.handle(event, manager) : undefined,
      );
      if (afterCommit) await afterCommit();
    }
    await this.dataSource.query(`UPDATE outbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL`, [message.id]);
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects and the relay redelivers. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}
