import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { OutboxMessage } from './outbox-message.entity';

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
 * Appends outbox rows with the caller's EntityManager, so they commit or roll back with the
 * state change. A trigger on the table NOTIFYs the relay, which wakes at once.
 */
export async function appendToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await manager
    .createQueryBuilder()
    .insert()
    .into(OutboxMessage)
    .values(entries.map((e) => ({ ...e, publishedAt: null, attempts: 0 })) as QueryDeepPartialEntity<OutboxMessage>[])
    .execute();
}
