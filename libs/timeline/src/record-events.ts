import { EntityManager } from 'typeorm';
import { appendToOutbox } from '@app/core';
import { appendToTimeline } from './timeline.store';
import type { TicketType, TimelineEntry } from './timeline.types';

/**
 * Records a ticket's new events where they must go, in the caller's transaction: the ticket's
 * timeline (hash-chained; the caller holds the ticket row's lock) and the outbox, one row per
 * event under the same id, for the consumers (SLA clocks, notifications).
 */
export async function recordTicketEvents<E extends TimelineEntry>(
  manager: EntityManager,
  ticketType: TicketType,
  ticketId: string,
  events: E[],
  payloadOf: (event: E) => Record<string, unknown>,
): Promise<void> {
  if (events.length === 0) return;
  await appendToTimeline(
    manager,
    ticketType,
    ticketId,
    events.map((e) => ({ eventId: e.eventId, type: e.type, at: e.at, acteur: e.acteur, visibilite: e.visibilite, unite: e.unite, data: e.data })),
  );
  await appendToOutbox(
    manager,
    events.map((e) => ({ id: e.eventId, type: e.type, aggregateType: ticketType, aggregateId: ticketId, occurredAt: e.at, payload: payloadOf(e) })),
  );
}
