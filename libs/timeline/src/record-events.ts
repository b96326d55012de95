import { EntityManager } from 'typeorm';
import { appendToTimelines, TicketEvents } from './timeline-batch';
import type { TicketType, TimelineEntry } from './timeline.types';

/**
 * Records a ticket's new events where they must go, in the caller's transaction: the ticket's
 * timeline (MAC-chained, its head on the ticket row; the caller holds the ticket row's lock) and the outbox, one row per
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
  await recordEventsOfTickets(manager, [{ ticketType, ticketId, events }], payloadOf);
}

/**
 * recordTicketEvents for many tickets in one go (bulk writers: SLA fires grouped per
 * transaction): one read of the chains' heads, then one statement that extends every chain and
 * writes every outbox row. Same guarantees: per ticket its seq and hash chain, the outbox row
 * of each event in the same transaction; the caller holds every ticket row's lock.
 */
export async function recordEventsOfTickets<E extends TimelineEntry>(
  manager: EntityManager,
  tickets: TicketEvents<E>[],
  payloadOf: (event: E) => Record<string, unknown>,
): Promise<void> {
  const outbox = tickets.flatMap((t) =>
    t.events.map((e) => ({ id: e.eventId, type: e.type, aggregateType: t.ticketType, aggregateId: t.ticketId, occurredAt: e.at, payload: payloadOf(e) })),
  );
  // One statement for the events (the timeline reads only its own fields of each) and their outbox rows.
  await appendToTimelines(manager, tickets, outbox);
}
