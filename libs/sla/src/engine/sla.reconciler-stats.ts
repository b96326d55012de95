import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { ReconcileReport } from './sla.reconciler';

/**
 * Running totals of the SLA reconciler, kept in one Redis hash under the queue prefix.
 *
 * The reconciler runs in the worker, which has no HTTP listener, while Prometheus scrapes the
 * API's /metrics. Rather than give every worker a metrics port (one more listener and one more
 * scrape target per worker, discovered as workers scale), the worker adds each run to this
 * hash and the API reads it at scrape time. It suits the job: the reconciler runs once per
 * period across the deployment (a BullMQ job scheduler), so the totals are deployment-wide
 * whichever worker ran it. A Redis flush resets them, which Prometheus's rate() and increase()
 * treat as a counter reset. With FILES_ATTENTE=postgres (ADR 0022) the totals are one row of
 * `sla_reconciliateur_totaux` instead (the functions taking a DataSource).
 */
export interface SlaReconcilerStats {
  /** Runs that finished, and runs that threw. */
  runs: number;
  failures: number;
  /** Timers re-armed because Redis had lost them; `overdue` of them were already due. */
  rearmed: number;
  overdue: number;
  /** End of the last successful run, null before the first one. */
  lastSuccessAt: Date | null;
}

export function slaReconcilerStatsKey(queuePrefix: string): string {
  return `${queuePrefix}:metrics:sla-reconciler`;
}

/** Adds one run (its report, or null when it failed) to the totals, in one round trip. */
export async function recordReconcilerRun(redis: Redis, queuePrefix: string, report: ReconcileReport | null, at: Date): Promise<void> {
  const key = slaReconcilerStatsKey(queuePrefix);
  const tx = redis.multi();
  if (report) {
    tx.hincrby(key, 'runs', 1)
      .hincrby(key, 'rearmed', report.rearmed)
      .hincrby(key, 'overdue', report.overdue)
      // The object form: BullMQ's wrapper around a worker's connection only accepts that one in a transaction.
      .hset(key, { last_success_ms: at.getTime() });
  } else {
    tx.hincrby(key, 'failures', 1);
  }
  await tx.exec();
}

export async function readReconcilerStats(redis: Redis, queuePrefix: string): Promise<SlaReconcilerStats> {
  const hash = await redis.hgetall(slaReconcilerStatsKey(queuePrefix));
  const int = (field: string) => Number(hash[field] ?? 0) || 0;
  return {
    runs: int('runs'),
    failures: int('failures'),
    rearmed: int('rearmed'),
    overdue: int('overdue'),
    lastSuccessAt: hash.last_success_ms ? new Date(Number(hash.last_success_ms)) : null,
  };
}

/** The same on PostgreSQL (FILES_ATTENTE=postgres): one upsert of the single row. */
export async function recordReconcilerRunPg(dataSource: DataSource, report: ReconcileReport | null, at: Date): Promise<void> {
  await dataSource.query(
    `INSERT INTO sla_reconciliateur_totaux AS t (id, runs, failures, rearmed, overdue, last_success_at)
     VALUES (1, $1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET runs = t.runs + EXCLUDED.runs, failures = t.failures + EXCLUDED.failures,
       rearmed = t.rearmed + EXCLUDED.rearmed, overdue = t.overdue + EXCLUDED.overdue,
       last_success_at = coalesce(EXCLUDED.last_success_at, t.last_success_at)`,
    report ? [1, 0, report.rearmed, report.overdue, at] : [0, 1, 0, 0, null],
  );
}

export async function readReconcilerStatsPg(dataSource: DataSource): Promise<SlaReconcilerStats> {
  const [row]: any[] = await dataSource.query(`SELECT runs, failures, rearmed, overdue, last_success_at FROM sla_reconciliateur_totaux WHERE id = 1`);
  return {
    runs: Number(row?.runs ?? 0),
    failures: Number(row?.failures ?? 0),
    rearmed: Number(row?.rearmed ?? 0),
    overdue: Number(row?.overdue ?? 0),
    lastSuccessAt: row?.last_success_at ? new Date(row.last_success_at) : null,
  };
}
