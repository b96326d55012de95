import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { AppConfig, OutageLog, QueueName, redisOutageLog } from '@app/core';
import { SendOutcome, WebhookConsumer, WebhookJob, WebhookSender } from '@app/notifications';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How often each worker looks for due deliveries whose job Redis lost, and purges old ones. */
const RECONCILE_EVERY_MS = 30_000;

/**
 * Webhook delivery attempts, on their own queue: a slow receiver never delays the outbox or the
 * SLA timers. The worker's concurrency is WEBHOOK_WORKER_CONCURRENCY; an attempt that finds its
 * endpoint at its limit (WEBHOOK_CONCURRENCY_PER_ENDPOINT) is parked (delayed) and woken when a
 * slot frees, so the free slots serve the other endpoints meanwhile.
 */
@Processor(QueueName.Webhooks)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:webhooks');
  private readonly reconcileLog = new OutageLog(this.logger, 'webhook-reconciler');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sender: WebhookSender,
    private readonly consumer: WebhookConsumer,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WEBHOOK_WORKER_CONCURRENCY;
    this.consumer.watchSubscriptions(this.dataSource);
    const tick = () => {
      void Promise.all([this.sender.reconcile(), this.sender.purge()]).then(
        () => this.reconcileLog.recovered('webhook reconciler runs again'),
        (err) => this.reconcileLog.failure(err, 'webhook reconciler failed; will retry'),
      );
      this.timer = setTimeout(tick, RECONCILE_EVERY_MS);
      this.timer.unref();
    };
    tick();
  }

  onApplicationShutdown(): void {
    this.consumer.stopWatching();
    if (this.timer) clearTimeout(this.timer);
  }

  async process(job: Job<WebhookJob>, token?: string): Promise<SendOutcome['kind']> {
    const outcome = await this.sender.deliver(job.data.livraisonId);
    if (outcome.kind === 'plus_tard' && token) {
      // The same job (same attempt id) runs again then: parked, not duplicated.
      // A little jitter: the attempts parked behind one endpoint do not all wake in the same instant.
      await job.moveToDelayed(Math.max(outcome.at.getTime(), Date.now() + 50) + Math.floor(Math.random() * 250), token);
      throw new DelayedError();
    }
    return outcome.kind;
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects and the reconciler repairs. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}
