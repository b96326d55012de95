import { EntityManager } from 'typeorm';

export interface OutboxEvent {
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}

/**
 * A consumer of outbox events. `handle` runs in the event's transaction, shared with the other
 * consumers of that event, where (consumer, eventId) is recorded in processed_event: a
 * redelivered event is skipped, never applied twice. A failure rolls back this consumer's work
 * alone in the end: on a job's first attempt the whole delivery is rolled back and run again
 * with each consumer in a savepoint (ADR 0028), so `handle` may run twice, its first run rolled
 * back, and must not commit, roll back or end the transaction.
 * It may return an action to run once that transaction has committed (e.g. arming timers for
 * rows that must exist first); a failure there is repaired by the consumer's own reconciler.
 */
export interface OutboxConsumer {
  readonly name: string;
  handles(type: string): boolean;
  handle(event: OutboxEvent, manager: EntityManager): Promise<void | (() => Promise<void>)>;
}

export const OUTBOX_CONSUMERS = Symbol('OUTBOX_CONSUMERS');

/** Inserts the idempotency key; false when this consumer already processed the event. */
export async function claimEvent(manager: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `INSERT INTO processed_event (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`,
    [consumer, eventId],
  );
  return rows.length === 1;
}
