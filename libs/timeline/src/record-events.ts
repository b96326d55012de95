import { EntityManager } from 'typeorm';
import { appendToTimelines, headKey, TicketEvents, TimelineHead } from './timeline-batch';
import type { TicketType, TimelineEntry } from './timeline.types';

/**
 * Records a ticket's new events where they must go, in the caller's transaction: the ticket's
 * timeline (MAC-chained, its head on the ticket row; the caller holds the ticket row's lock) and the outbox, one row per
 * event under the same id, for the consumers (SLA clocks, notifications).
 *
 * `head`: the timeline's head, when the caller read it from the ticket row under its lock (it
 * is then not read again). Returns the events as the timeline now holds them (seq, and data as
 * stored: through JSON), for a caller that derives from them in the same transaction.
 */
export async function recordTicketEvents<E extends TimelineEntry>(
  manager: EntityManager,
  ticketType: TicketType,
  ticketId: string,
  events: E[],
  payloadOf: (event: E) => Record<string, unknown>,
  head?: TimelineHead,
): Promise<RecordedEvent[]> {
  if (events.length === 0) return [];
  const known = new Map(head ? [[headKey({ ticketType, ticketId }), head]] : []);
  const rows = await appendToTimelines(manager, [{ ticketType, ticketId, events }], outboxRowsOf([{ ticketType, ticketId, events }], payloadOf), known);
  return rows.map((r) => ({ seq: r.seq, type: r.type, at: r.at, data: JSON.parse(JSON.stringify(r.data)) }));
}

/** An event as the timeline holds it, for a consumer (the SLA derivation) in the writer's transaction. */
export interface RecordedEvent {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, any>;
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
  // One statement for the events (the timeline reads only its own fields of each) and their outbox rows.
  await appendToTimelines(manager, tickets, outboxRowsOf(tickets, payloadOf));
}

function outboxRowsOf<E extends TimelineEntry>(tickets: TicketEvents<E>[], payloadOf: (event: E) => Record<string, unknown>) {
  return tickets.flatMap((t) =>
    t.events.map((e) => ({ id: e.eventId, type: e.type, aggregateType: t.ticketType, aggregateId: t.ticketId, occurredAt: e.at, payload: payloadOf(e) })),
  );
}
