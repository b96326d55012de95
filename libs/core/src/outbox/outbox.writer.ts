import { EntityManager } from 'typeorm';

export interface OutboxEntry {
  /** The event id: consumers use it as their idempotency key. */
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * The INSERT of these outbox rows, as one statement whatever their number (arrays, unnest), with
 * its parameters numbered from `first`: for a writer that embeds it in a statement of its own
 * (a timeline append writes its events and their outbox rows in one round trip).
 */
export function outboxInsert(entries: OutboxEntry[], first = 1): { sql: string; params: unknown[] } {
  const p = (k: number) => `$${first + k}`;
  return {
    sql: `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at, published_at, attempts)
          SELECT id, type, aggregate_type, aggregate_id, payload, occurred_at, NULL, 0
            FROM unnest(${p(0)}::uuid[], ${p(1)}::varchar[], ${p(2)}::varchar[], ${p(3)}::uuid[], ${p(4)}::jsonb[], ${p(5)}::timestamptz[])
              AS o(id, type, aggregate_type, aggregate_id, payload, occurred_at)`,
    params: [
      entries.map((e) => e.id),
      entries.map((e) => e.type),
      entries.map((e) => e.aggregateType),
      entries.map((e) => e.aggregateId),
      entries.map((e) => JSON.stringify(e.payload)),
      entries.map((e) => e.occurredAt),
    ],
  };
}

/**
 * Appends outbox rows with the caller's EntityManager, so they commit or roll back with the
 * state change. A trigger on the table NOTIFYs the relay, which wakes at once.
 */
export async function appendToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const { sql, params } = outboxInsert(entries);
  await manager.query(sql, params);
}
