import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, IDEMPOTENCY_KEY_RETENTION_MS, OutageLog, OutboxPurgeReport, purgeIdempotencyKeys, purgeOutbox, QueueName, queuesOnPostgres, redisOutageLog } from '@app/core';
import { SlaRollup } from '@app/dashboards';
import { RetentionReport, RgpdService } from '@app/questions';
import { ReconcileReport, recordReconcilerRun, recordReconcilerRunPg, SlaReconciler } from '@app/sla';
import { SealReport, sealTimelines } from '@app/timeline';

export const SLA_RECONCILER_JOB = 'sla-reconciliateur';
/** Idempotency keys are kept 24 h (a client retries within minutes); purged every hour. */
export const PURGE_IDEMPOTENCE_JOB = 'purge-idempotence';
/** The dashboards' daily roll-up: yesterday and today recomputed every DASHBOARD_REFRESH_MS (ADR 0007). */
export const TABLEAUX_DE_BORD_JOB = 'tableaux-de-bord';
/** The timeline's daily seal (ADR 0002), just after midnight in Paris; a second run the same day is a no-op. */
export const SCEAU_FIL_JOB = 'sceau-fil';
/** The RGPD retention (ADR 0023): every night, questions closed RGPD_RETENTION_MOIS ago are anonymised; a second run finds nothing. */
export const RGPD_RETENTION_JOB = 'rgpd-retention';
/** Handled outbox events and their consumers' records, deleted OUTBOX_RETENTION_JOURS after handling; every hour. */
export const PURGE_OUTBOX_JOB = 'purge-outbox';

/**
 * The periodic work of the `maintenance` queue (one worker per queue, so one processor that
 * dispatches by job name): the SLA reconciler, the dashboards' roll-up, the purges of old outbox events and of old
 * idempotency keys.
 *
 * Runs the SLA reconciler every SLA_RECONCILE_MS (a BullMQ job scheduler: one run per period
 * across all workers) and once at start, so a worker restarted after a Redis loss repairs at once.
 * The scheduler lives in Redis too: a flush removes it, so each worker also checks every period
 * that it still exists, and restores it — reconciling at once — when it does not.
 */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:maintenance');
  private readonly watchdogLog = new OutageLog(this.logger, 'reconciler-watchdog');
  private readonly reconcilerLog = new OutageLog(this.logger, 'reconciler');
  private watchdog: NodeJS.Timeout | null = null;
  private stopped = false;
  /** The reconciler run in progress in this process: a second caller joins it instead of starting another pass. */
  private reconciling: Promise<ReconcileReport> | null = null;

  constructor(
    private readonly reconciler: SlaReconciler,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly rollup: SlaRollup,
    private readonly rgpd: RgpdService,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.schedule();
    await this.maintenance.upsertJobScheduler(PURGE_IDEMPOTENCE_JOB, { every: 3600_000 }, { name: PURGE_IDEMPOTENCE_JOB });
    await this.maintenance.upsertJobScheduler(PURGE_OUTBOX_JOB, { every: 3600_000 }, { name: PURGE_OUTBOX_JOB });
    await this.maintenance.upsertJobScheduler(TABLEAUX_DE_BORD_JOB, { every: this.config.DASHBOARD_REFRESH_MS }, { name: TABLEAUX_DE_BORD_JOB });
    await this.maintenance.upsertJobScheduler(SCEAU_FIL_JOB, { pattern: '5 0 * * *', tz: 'Europe/Paris' }, { name: SCEAU_FIL_JOB });
    // A job scheduler, upserted by every worker under one id: one run per night, however many workers.
    await this.maintenance.upsertJobScheduler(RGPD_RETENTION_JOB, { pattern: '30 2 * * *', tz: 'Europe/Paris' }, { name: RGPD_RETENTION_JOB });
    await this.reconcileNow('start');
    this.armWatchdog();
  }

  /**
   * The next scheduler check, SLA_RECONCILE_MS after the previous one ended: never two at once.
   * (A setInterval let checks pile up while Redis was away — each one waits for it — and run
   * together when it came back: "scheduler missing" four times, two full passes.)
   */
  private armWatchdog(): void {
    if (this.stopped) return;
    this.watchdog = setTimeout(() => void this.checkScheduler().finally(() => this.armWatchdog()), this.config.SLA_RECONCILE_MS);
    this.watchdog.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.watchdog) clearTimeout(this.watchdog);
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
      this.watchdogLog.failure(err, 'SLA reconciler watchdog could not reach Redis');
      return;
    }
    this.watchdogLog.recovered('SLA reconciler watchdog reaches Redis again');
  }

  private reconcileNow(why: string): Promise<unknown> {
    return this.reconcile().catch((err) => this.reconcilerLog.failure(err, `SLA reconciler failed (${why})`));
  }

  /**
   * Every run of the reconciler goes through here, so that it is counted where the API's
   * /metrics reads it (SlaReconcilerStats says why Redis rather than a metrics port on the worker).
   */
  private reconcile(): Promise<ReconcileReport> {
    this.reconciling ??= this.reconcileOnce().finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<ReconcileReport> {
    let report: ReconcileReport;
    try {
      report = await this.reconciler.reconcile();
    } catch (err) {
      await this.recordRun(null);
      throw err;
    }
    await this.recordRun(report);
    this.reconcilerLog.recovered('SLA reconciler runs again');
    return report;
  }

  /** Counting is best effort: it never fails the run it counts. */
  private async recordRun(report: ReconcileReport | null): Promise<void> {
    try {
      if (queuesOnPostgres(this.config)) {
        await recordReconcilerRunPg(this.dataSource, report, this.clock.now());
        return;
      }
      // BullMQ types its client as a generic one; it is the ioredis instance of BullModule's connection.
      const redis = (await this.maintenance.getBackend().client) as unknown as Redis;
      await recordReconcilerRun(redis, this.config.QUEUE_PREFIX, report, this.clock.now());
    } catch (err) {
      this.logger.warn({ err }, 'could not record the SLA reconciler run for /metrics');
    }
  }

  /**
   * The seal's MAC goes to the log too: a copy outside the database (log shipping, an operator's
   * notes) that a database writer cannot reach, to compare the `sceau` table with.
   */
  async seal(): Promise<SealReport> {
    const report = await sealTimelines(this.dataSource, this.clock.now());
    if (report.cree) {
      this.logger.log(
        { sceau: { jour: report.jour, mac: report.mac, cle: report.cle, tickets: report.tickets, evenements: report.evenements, precedentMac: report.precedentMac } },
        'sceau du fil écrit',
      );
    }
    if (report.tetesInvalides > 0) this.logger.error({ sceau: { jour: report.jour, tetesInvalides: report.tetesInvalides } }, 'têtes de fil invalides laissées hors du sceau : lancez fil:verifier');
    return report;
  }

  async process(
    job: Job,
  ): Promise<ReconcileReport | SealReport | RetentionReport | OutboxPurgeReport | { purgees: number } | { jours: number; lignes: number } | undefined> {
    if (job.name === SLA_RECONCILER_JOB) return this.reconcile();
    if (job.name === RGPD_RETENTION_JOB) return this.rgpd.retention();
    if (job.name === SCEAU_FIL_JOB) return this.seal();
    if (job.name === TABLEAUX_DE_BORD_JOB) return this.rollup.rafraichir();
    if (job.name === PURGE_IDEMPOTENCE_JOB) {
      const olderThan = new Date(this.clock.now().getTime() - IDEMPOTENCY_KEY_RETENTION_MS);
      return { purgees: await purgeIdempotencyKeys(this.dataSource.manager, olderThan) };
    }
    if (job.name === PURGE_OUTBOX_JOB) {
      const olderThan = new Date(this.clock.now().getTime() - this.config.OUTBOX_RETENTION_JOURS * 86_400_000);
      const report = await purgeOutbox(this.dataSource.manager, olderThan);
      if (report.evenements + report.traitements > 0) this.logger.log({ purge: report }, 'outbox purgée');
      return report;
    }
    this.logger.warn({ name: job.name }, 'unknown maintenance job');
    return undefined;
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects and the reconciler repairs. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}
