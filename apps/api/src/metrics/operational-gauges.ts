import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobType } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, queuesOnPostgres } from '@app/core';
import { horlogeARisqueSql, readReconcilerStats, readReconcilerStatsPg } from '@app/sla';
import { BoardQueues } from '../ops/board-queues';
import { ApiMetrics } from './api-metrics';

/** `bullmq-postgresql`: the queues' source when they run on PostgreSQL (FILES_ATTENTE=postgres, ADR 0022). */
export type MetricsSource = 'postgresql' | 'redis' | 'bullmq-postgresql';

/** A reading slower than this is abandoned for this scrape (Prometheus's own scrape timeout is 10 s by default). */
export const SOURCE_TIMEOUT_MS = 2000;

/** Job states reported per queue; `completed` is left out: it is trimmed, so its count means nothing. */
export const QUEUE_STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'failed'];

/** Unpublished rows, and published rows no consumer has finished: both on their partial index. */
export const OUTBOX_BACKLOG_SQL = `
  SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS publish_count,
         (SELECT min(created_at) FROM outbox WHERE published_at IS NULL) AS publish_oldest,
         (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND processed_at IS NULL)::int AS process_count,
         (SELECT min(created_at) FROM outbox WHERE published_at IS NOT NULL AND processed_at IS NULL) AS process_oldest`;

/**
 * Open clocks only, through the partial index idx_sla_horloge_ouverte_ticket (an index-only scan however
 * many closed clocks the table holds). At risk: horlogeARisqueSql.
 */
export const SLA_CLOCKS_SQL = `
  SELECT count(*) FILTER (WHERE etat = 'running')::int AS running,
         count(*) FILTER (WHERE ${horlogeARisqueSql('', '$1')})::int AS at_risk,
         count(*) FILTER (WHERE etat = 'paused')::int AS paused,
         count(*) FILTER (WHERE etat = 'breached')::int AS breached
    FROM sla_horloge
   WHERE etat IN ('running', 'paused', 'breached')`;

/**
 * The gauges read from PostgreSQL and Redis at scrape time. A scrape reuses the readings of the
 * last METRICS_CACHE_MS, so that many scrapers (several Prometheus replicas, a curious
 * operator) cost the database one reading per period. A dependency that fails or hangs only
 * removes its own series: /metrics still answers 200 with the rest, and says which source was
 * unreadable (relais_metrics_source_up, relais_metrics_collection_errors_total).
 */
@Injectable()
export class OperationalGauges {
  private readonly logger = new Logger('Metrics');
  private current: Promise<void> | null = null;
  private currentStartedAt = 0;
  private collecting = false;
  /**
   * A reading that outlived its scrape (a hung dependency): later scrapes wait on it instead of
   * sending another query, so a stuck database never accumulates our queries in its pool.
   */
  private readonly pending = new Map<MetricsSource, Promise<() => void>>();
  private readonly down = new Set<MetricsSource>();

  /** Where the queue counts and the reconciler's totals come from. */
  private get queueSource(): MetricsSource {
    return queuesOnPostgres(this.config) ? 'bullmq-postgresql' : 'redis';
  }

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: ApiMetrics,
    private readonly board: BoardQueues,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Brings the gauges up to date, or leaves them as they are if they are recent enough. */
  refresh(): Promise<void> {
    const fresh = performance.now() - this.currentStartedAt < this.config.METRICS_CACHE_MS;
    if (this.current && (this.collecting || fresh)) return this.current;
    this.currentStartedAt = performance.now();
    this.collecting = true;
    this.current = Promise.all([
      this.read('postgresql', () => this.readPostgresql()),
      this.read(this.queueSource, () => this.readRedis()),
    ]).then(() => {
      this.collecting = false;
    });
    return this.current;
  }

  /** Never rejects: a failed source is cleared and counted. */
  private async read(source: MetricsSource, reading: () => Promise<() => void>): Promise<void> {
    let attempt = this.pending.get(source);
    if (!attempt) {
      attempt = reading().finally(() => this.pending.delete(source));
      this.pending.set(source, attempt);
    }
    try {
      const apply = await withTimeout(attempt, SOURCE_TIMEOUT_MS, source);
      apply();
      this.metrics.sourceUp.set({ source }, 1);
      if (this.down.delete(source)) this.logger.log({ source }, 'metrics source readable again');
    } catch (err) {
      this.clear(source);
      this.metrics.sourceUp.set({ source }, 0);
      this.metrics.collectionErrors.inc({ source });
      // Once per outage, not at every scrape.
      if (!this.down.has(source)) {
        this.down.add(source);
        this.logger.warn({ source, err: { message: (err as Error).message } }, 'metrics source unreadable; its series are left out');
      }
    }
  }

  /** Reads first, then returns the gauge updates, so that a failure never leaves half-updated series. */
  private async readPostgresql(): Promise<() => void> {
    const now = this.clock.now();
    const [outbox] = await this.dataSource.query(OUTBOX_BACKLOG_SQL);
    const [clocks] = await this.dataSource.query(SLA_CLOCKS_SQL, [now]);
    const age = (oldest: Date | null) => (oldest ? Math.max(0, (now.getTime() - new Date(oldest).getTime()) / 1000) : 0);
    return () => {
      const { outboxBacklog, outboxOldestAge, slaClocks, slaClocksAtRisk } = this.metrics;
      outboxBacklog.set({ stage: 'publish' }, outbox.publish_count);
      outboxBacklog.set({ stage: 'process' }, outbox.process_count);
      outboxOldestAge.set({ stage: 'publish' }, age(outbox.publish_oldest));
      outboxOldestAge.set({ stage: 'process' }, age(outbox.process_oldest));
      for (const state of ['running', 'paused', 'breached'] as const) slaClocks.set({ state }, clocks[state]);
      slaClocksAtRisk.set(clocks.at_risk);
      for (const metric of this.seriesOf('postgresql')) this.metrics.setVisible(metric, true);
    };
  }

  private async readRedis(): Promise<() => void> {
    const { queues, connection } = this.board;
    // The board's queues share one fail-fast connection: a scrape just after boot waits for it
    // (within the timeout); one known to be down fails at once rather than waiting for nothing.
    if (connection && ['reconnecting', 'close', 'end'].includes(connection.status)) throw new Error(`Redis unreachable (connection ${connection.status})`);
    await queues[0].waitUntilReady();
    const counts = await Promise.all(queues.map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts(...QUEUE_STATES) })));
    const reconciler = connection ? await readReconcilerStats(connection, this.config.QUEUE_PREFIX) : await readReconcilerStatsPg(this.dataSource);
    return () => {
      const m = this.metrics;
      m.queueJobs.reset();
      for (const { queue, counts: byState } of counts) {
        for (const state of QUEUE_STATES) m.queueJobs.set({ queue, state }, byState[state] ?? 0);
      }
      // Totals kept in Redis by the workers (see SlaReconcilerStats): each counter is set to its total.
      for (const counter of [m.reconcilerRuns, m.reconcilerRearmed, m.reconcilerOverdue]) counter.reset();
      m.reconcilerRuns.inc({ result: 'ok' }, reconciler.runs);
      m.reconcilerRuns.inc({ result: 'error' }, reconciler.failures);
      m.reconcilerRearmed.inc(reconciler.rearmed);
      m.reconcilerOverdue.inc(reconciler.overdue);
      m.reconcilerLastSuccess.reset();
      if (reconciler.lastSuccessAt) m.reconcilerLastSuccess.set(reconciler.lastSuccessAt.getTime() / 1000);
      for (const metric of this.seriesOf(this.queueSource)) m.setVisible(metric, metric !== m.reconcilerLastSuccess || reconciler.lastSuccessAt !== null);
    };
  }

  /** Stale numbers (or zeros) would read as current: a source that cannot be read has no series at all. */
  private clear(source: MetricsSource): void {
    for (const metric of this.seriesOf(source)) {
      metric.reset();
      this.metrics.setVisible(metric, false);
    }
  }

  private seriesOf(source: MetricsSource) {
    const m = this.metrics;
    return source === 'postgresql'
      ? [m.outboxBacklog, m.outboxOldestAge, m.slaClocks, m.slaClocksAtRisk]
      : [m.queueJobs, m.reconcilerRuns, m.reconcilerRearmed, m.reconcilerOverdue, m.reconcilerLastSuccess];
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
