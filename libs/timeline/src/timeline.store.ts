import { DataSource, EntityManager } from 'typeorm';
import { TimelineRecord } from './timeline-hash';
import { verifyOneTimeline } from './timeline-verify';
import { appendToTimelines } from './timeline-batch';
import {
  TICKET_TYPES,
  TicketType,
  TimelineEntry,
  TimelineEventView,
  TimelineVerification,
  Unite,
} from './timeline.types';

type Queryable = EntityManager | DataSource;

interface StoredEvent extends TimelineRecord {
  hash: string;
}

const COLUMNS = `id AS "eventId", ticket_type AS "ticketType", ticket_id AS "ticketId", seq, type, at,
  acteur_id AS "acteurId", acteur_nom AS "acteurNom", acteur_role AS "acteurRole", visibilite,
  unite_type AS "uniteType", unite_id AS "uniteId", data, hash, previous_hash AS "previousHash"`;

/**
 * Appends in the caller's transaction. The caller must hold a lock on the ticket row (it just
 * UPDATEd it with a version check, or SELECT ... FOR UPDATE); seq continues from the last event.
 *
 * The lock is what serialises writers: under READ COMMITTED, a second writer waits for the
 * first to commit and then reads the new last event. Should a caller forget it, the unique
 * (ticket_type, ticket_id, seq) index refuses the duplicate and this throws
 * ConcurrentUpdateError (409): the request fails, the chain never forks.
 */
export async function appendToTimeline(manager: EntityManager, ticketType: TicketType, ticketId: string, entries: TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  assertTicketType(ticketType);
  if (!manager.queryRunner?.isTransactionActive) {
    // Outside a transaction nothing holds the ticket lock, and events could commit without
    // the state change they describe.
    throw new Error('appendToTimeline must run inside the transaction that changes the ticket.');
  }
  // One implementation of the chain (seq, hash, lower-cased uuids) and of the insert: the batch one.
  await appendToTimelines(manager, [{ ticketType, ticketId, events: entries }]);
}

/**
 * Events the viewer may read, in seq order: every 'partage' event, and 'interne' events whose
 * unite is one of the viewer's units. Optional cursor/limit: afterSeq, limit.
 *
 * seq is the ticket's own numbering, so a viewer who may not read an internal note sees a gap
 * in seq and a previousHash it cannot resolve; the chain is verified server-side
 * (verifyTimeline), never by the client.
 */
export async function readTimeline(
  manager: Queryable,
  ticketType: TicketType,
  ticketId: string,
  viewerUnites: Unite[],
  opts: { afterSeq?: number; limit?: number } = {},
): Promise<TimelineEventView[]> {
  assertTicketType(ticketType);
  const afterSeq = opts.afterSeq ?? 0;
  if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new RangeError(`readTimeline: afterSeq must be an integer ≥ 0, got ${opts.afterSeq}.`);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new RangeError(`readTimeline: limit must be an integer ≥ 1, got ${opts.limit}.`);
  }
  const rows: StoredEvent[] = await manager.query(
    `SELECT ${COLUMNS}
       FROM timeline_event e
      WHERE e.ticket_type = $1 AND e.ticket_id = $2 AND e.seq > $3
        AND (e.visibilite = 'partage'
             OR EXISTS (SELECT 1 FROM unnest($4::text[], $5::uuid[]) AS v(type, id)
                         WHERE v.type = e.unite_type AND v.id IS NOT DISTINCT FROM e.unite_id))
      ORDER BY e.seq
      LIMIT $6`,
    [ticketType, ticketId, afterSeq, viewerUnites.map((u) => u.type), viewerUnites.map((u) => u.id), opts.limit ?? null],
  );
  return rows.map(toView);
}

/**
 * Verifies the ticket's timeline (ADR 0002): every event's MAC with its own key, the links and
 * the numbering, the head anchored on the ticket row (a deleted tail, an appended forgery) and
 * the latest seal covering the ticket (a chain shortened or rewritten since, even with its
 * head). Reports what it checked and the first anomaly.
 */
export async function verifyTimeline(manager: Queryable, ticketType: TicketType, ticketId: string): Promise<TimelineVerification> {
  assertTicketType(ticketType);
  return verifyOneTimeline(manager, ticketType, ticketId);
}

function toView(row: StoredEvent): TimelineEventView {
  return {
    seq: row.seq,
    type: row.type,
    at: row.at.toISOString(),
    acteur: row.acteurId === null ? null : { id: row.acteurId, displayName: row.acteurNom ?? '', role: row.acteurRole ?? '' },
    visibilite: row.visibilite as TimelineEventView['visibilite'],
    data: row.data,
    hash: row.hash,
    previousHash: row.previousHash,
  };
}

function assertTicketType(ticketType: string): void {
  if (!TICKET_TYPES.includes(ticketType as TicketType)) throw new TypeError(`Unknown ticket type « ${ticketType} ».`);
}
