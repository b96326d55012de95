import { EntityManager } from 'typeorm';

/** Rows deleted per statement: short transactions, so the relay and the consumers never wait long on a purge. */
export const OUTBOX_PURGE_BATCH = 5_000;

export interface OutboxPurgeReport {
  /** Outbox events deleted: every consumer had handled them before the cut-off. */
  evenements: number;
  /** Consumers' idempotency rows deleted: handled before the cut-off. */
  traitements: number;
}

/**
 * Deletes what the outbox keeps once it is of no more use (measured at +1.19 GB per 100,000
 * questions, docs/scaling.md): events every consumer handled before `olderThan`, and the
 * consumers' idempotency rows (processed_event) written before it. An event is redelivered only
 * while it is unprocessed (the relay resends those) or while its BullMQ job retries, minutes
 * later: a cut-off of days (OUTBOX_RETENTION_JOURS) keeps both well inside the window. Pending
 * and unprocessed events are never touched. Batches of OUTBOX_PURGE_BATCH, each its own statement.
 */
export async function purgeOutbox(manager: EntityManager, olderThan: Date, batch = OUTBOX_PURGE_BATCH): Promise<OutboxPurgeReport> {
  const report: OutboxPurgeReport = { evenements: 0, traitements: 0 };
  // Counted through a CTE: TypeORM returns DELETE results in a different shape from SELECTs.
  const purge = async (sql: string): Promise<number> => {
    let total = 0;
    for (;;) {
      const [{ n }]: Array<{ n: number }> = await manager.query(sql, [olderThan, batch]);
      total += n;
      if (n < batch) return total;
    }
  };
  report.evenements = await purge(
    `WITH purged AS (
       DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE processed_at < $1 ORDER BY processed_at LIMIT $2) RETURNING 1
     ) SELECT count(*)::int AS n FROM purged`,
  );
  report.traitements = await purge(
    `WITH purged AS (
       DELETE FROM processed_event WHERE (consumer, event_id) IN (
         SELECT consumer, event_id FROM processed_event WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)
       RETURNING 1
     ) SELECT count(*)::int AS n FROM purged`,
  );
  return report;
}
