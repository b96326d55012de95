import { EntityManager } from 'typeorm';
import { appendToOutbox, ConcurrentUpdateError, OutboxEntry, outboxInsert } from '@app/core';
import { TimelineRecord, timelineEventHash } from './timeline-hash';
import { TICKET_TYPES, TicketType, TimelineEntry, VISIBILITES } from './timeline.types';

/** One ticket's new events, in the order they happened. */
export interface TicketEvents<E extends TimelineEntry = TimelineEntry> {
  ticketType: TicketType;
  ticketId: string;
  events: E[];
}

/** Columns of one inserted row; the multi-row insert stays well under PostgreSQL's 65,535 parameters. */
const COLUMNS_PER_ROW = 15;
const ROWS_PER_INSERT = 1000;

/**
 * appendToTimeline for many tickets at once, in two statements whatever their number: one read
 * of every chain's last event, one multi-row insert. Same chain as one ticket at a time (seq
 * and hash per ticket, events of a ticket in the given order), so bulk writers such as SLA
 * fires pay one round trip where they paid two per ticket. The caller holds every ticket row's
 * lock, as for appendToTimeline.
 *
 * `outbox`: outbox rows to insert in the same statement as the events (recordTicketEvents: the
 * events' own rows), one round trip less for every writer of a timeline.
 */
export async function appendToTimelines(manager: EntityManager, tickets: TicketEvents[], outbox: OutboxEntry[] = []): Promise<void> {
  const groups = mergeByTicket(tickets.filter((t) => t.events.length > 0));
  if (groups.length === 0) return appendToOutbox(manager, outbox);
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToTimelines must run inside the transaction that changes the tickets.');
  }
  for (const g of groups) {
    if (!TICKET_TYPES.includes(g.ticketType)) throw new TypeError(`Unknown ticket type « ${g.ticketType} ».`);
  }

  // LATERAL + LIMIT 1: one backward probe of the (ticket_type, ticket_id, seq) index per ticket.
  const last: Array<{ ticket_type: string; ticket_id: string; seq: number | null; hash: string | null }> = await manager.query(
    `SELECT t.ticket_type, t.ticket_id, e.seq, e.hash
       FROM unnest($1::text[], $2::uuid[]) AS t(ticket_type, ticket_id)
       LEFT JOIN LATERAL (
         SELECT seq, hash FROM timeline_event
          WHERE ticket_type = t.ticket_type AND ticket_id = t.ticket_id
          ORDER BY seq DESC LIMIT 1) e ON true`,
    [groups.map((g) => g.ticketType), groups.map((g) => g.ticketId)],
  );
  const heads = new Map(last.map((r) => [`${r.ticket_type}/${r.ticket_id}`, { seq: r.seq ?? 0, hash: r.hash }]));

  const rows: Array<TimelineRecord & { hash: string }> = [];
  for (const g of groups) {
    const head = heads.get(`${g.ticketType}/${g.ticketId}`) ?? { seq: 0, hash: null };
    let seq = head.seq;
    let previousHash = head.hash;
    for (const entry of g.events) {
      assertEntry(entry);
      seq += 1;
      const record: TimelineRecord = {
        eventId: entry.eventId.toLowerCase(),
        ticketType: g.ticketType,
        ticketId: g.ticketId,
        seq,
        type: entry.type,
        at: entry.at,
        acteurId: entry.acteur ? entry.acteur.id.toLowerCase() : null,
        acteurNom: entry.acteur ? entry.acteur.displayName : null,
        acteurRole: entry.acteur ? entry.acteur.role : null,
        visibilite: entry.visibilite,
        uniteType: entry.unite ? entry.unite.type : null,
        uniteId: entry.unite?.id != null ? entry.unite.id.toLowerCase() : null,
        data: entry.data,
        previousHash,
      };
      const hash = timelineEventHash(record);
      previousHash = hash;
      rows.push({ ...record, hash });
    }
  }

  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    // The outbox rows ride with the first chunk, as a data-modifying CTE (run whether or not it is read).
    const withOutbox = i === 0 && outbox.length > 0 ? outboxInsert(outbox) : null;
    const params: unknown[] = withOutbox ? [...withOutbox.params] : [];
    const tuples = chunk.map((e) => {
      const b = params.length;
      // data as JSON.stringify writes it, which is what canonicalJson hashed.
      params.push(e.eventId, e.ticketType, e.ticketId, e.seq, e.type, e.at, e.acteurId, e.acteurNom, e.acteurRole,
        e.visibilite, e.uniteType, e.uniteId, JSON.stringify(e.data), e.hash, e.previousHash);
      const p = Array.from({ length: COLUMNS_PER_ROW }, (_, k) => `$${b + k + 1}${k === 12 ? '::jsonb' : ''}`);
      return `(${p.join(', ')})`;
    });
    try {
      await manager.query(
        `${withOutbox ? `WITH outbox_rows AS (${withOutbox.sql}) ` : ''}INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, acteur_id, acteur_nom, acteur_role,
           visibilite, unite_type, unite_id, data, hash, previous_hash)
         VALUES ${tuples.join(', ')}`,
        params,
      );
    } catch (error) {
      if (error?.code === '23505' && error?.constraint === 'uq_timeline_event_ticket_seq') throw new ConcurrentUpdateError();
      throw error;
    }
  }
}

/** A ticket named twice gets one chain segment, its events in the order given (uuids lower-cased, as PostgreSQL returns them). */
function mergeByTicket<E extends TimelineEntry>(tickets: TicketEvents<E>[]): TicketEvents<E>[] {
  const byKey = new Map<string, TicketEvents<E>>();
  for (const t of tickets) {
    const ticketId = t.ticketId.toLowerCase();
    const key = `${t.ticketType}/${ticketId}`;
    const group = byKey.get(key);
    if (group) group.events.push(...t.events);
    else byKey.set(key, { ticketType: t.ticketType, ticketId, events: [...t.events] });
  }
  return [...byKey.values()];
}

/** Programming errors, caught here with a clear message rather than by a CHECK constraint. */
function assertEntry(entry: TimelineEntry): void {
  if (!(entry.at instanceof Date) || Number.isNaN(entry.at.getTime())) throw new TypeError(`Timeline event ${entry.eventId}: invalid date.`);
  if (!VISIBILITES.includes(entry.visibilite)) throw new TypeError(`Timeline event ${entry.eventId}: unknown visibilite « ${entry.visibilite} ».`);
  if (entry.visibilite === 'interne' && !entry.unite) throw new TypeError(`Timeline event ${entry.eventId}: an internal event needs the unit that may read it.`);
  if (entry.unite) {
    const needsId = entry.unite.type === 'maison' || entry.unite.type === 'direction';
    if (needsId !== (entry.unite.id != null)) {
      throw new TypeError(`Timeline event ${entry.eventId}: unit « ${entry.unite.type} » ${needsId ? 'needs' : 'takes no'} id.`);
    }
  }
  if (entry.data === null || typeof entry.data !== 'object' || Array.isArray(entry.data)) {
    throw new TypeError(`Timeline event ${entry.eventId}: data must be an object.`);
  }
}
