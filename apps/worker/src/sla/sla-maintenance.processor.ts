import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig, QueueName } from '@app/core';
import { ReconcileReport, SlaReconciler } from '@app/sla';

export const SLA_RECONCILER_JOB = 'sla-reconciliateur';

/**
 * Runs the SLA reconciler every SLA_RECONCILE_MS (a BullMQ job scheduler: one run per period
 * across all workers) and once at start, so a worker restarted after a Redis loss repairs at once.
 * The scheduler lives in Redis too: a flush removes it, so each worker also checks every period
 * that it still exists, and restores it — reconciling at once — when it does not.
 */
@Processor(QueueName.Maintenance)
export class SlaMaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaMaintenanceProcessor.name);
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    private readonly reconciler: SlaReconciler,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    await this.reconcileNow('start');
    this.watchdog = setInterval(() => void this.checkScheduler(), this.config.SLA_RECONCILE_MS);
    this.watchdog.unref();
  }

  onApplicationShutdown(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }

  private schedule() {
    return this.maintenance.upsertJobScheduler(SLA_RECONCILER_JOB, { every: this.config.SLA_RECONCILE_MS }, { name: SLA_RECONCILER_JOB });
  }

  private async checkScheduler(): Promise<void> {
    try {
      if (await this.maintenance.getJobScheduler(SLA_RECONCILER_JOB)) return;
      this.logger.warn('SLA reconciler scheduler missing from Redis: restoring it');
      await this.schedule();
      await this.reconcileNow('watchdog');
    } catch (err) {
      this.logger.warn({ err }, 'SLA reconciler watchdog could not reach Redis');
    }
  }

  private reconcileNow(why: string): Promise<unknown> {
    return this.reconciler.reconcile().catch((err) => this.logger.error({ err, why }, 'SLA reconciler failed'));
  }

  async process(job: Job): Promise<ReconcileReport | undefined> {
    if (job.name === SLA_RECONCILER_JOB) return this.reconciler.reconcile();
    return undefined;
  }

  /** Redis errors (a restart, a flush under a running job): logged; BullMQ reconnects and the reconciler repairs. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.warn({ err: err.message }, 'queue worker error');
  }
}
