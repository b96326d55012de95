import { EntityManager } from 'typeorm';
import { appendToOutbox, ConcurrentUpdateError, OutboxEntry, outboxInsert } from '@app/core';
import { TimelineRecord } from './timeline-hash';
import { keyringOf, sameMac, timelineEventMac, timelineHeadMac } from './timeline-mac';
import { TICKET_TABLES, TICKET_TYPES, TicketType, TimelineEntry, VISIBILITES } from './timeline.types';

/** One ticket's new events, in the order they happened. */
export interface TicketEvents<E extends TimelineEntry = TimelineEntry> {
  ticketType: TicketType;
  ticketId: string;
  events: E[];
}

/** Columns of one inserted row; the multi-row insert stays well under PostgreSQL's 65,535 parameters. */
const COLUMNS_PER_ROW = 17;
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
 *
 * `known`: heads the caller read from the ticket rows under their lock (an `UPDATE … RETURNING`
 * of the ticket, a new ticket's initial head), by `type/id`: not read again (issue #17).
 *
 * Returns the events as written, seq included, in order.
 */
export async function appendToTimelines(
  manager: EntityManager,
  tickets: TicketEvents[],
  outbox: OutboxEntry[] = [],
  known: ReadonlyMap<string, TimelineHead> = new Map(),
): Promise<TimelineRecord[]> {
  const groups = mergeByTicket(tickets.filter((t) => t.events.length > 0));
  if (groups.length === 0) {
    await appendToOutbox(manager, outbox);
    return [];
  }
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToTimelines must run inside the transaction that changes the tickets.');
  }
  for (const g of groups) {
    if (!TICKET_TYPES.includes(g.ticketType)) throw new TypeError(`Unknown ticket type « ${g.ticketType} ».`);
  }

  const keyring = keyringOf(manager);
  const key = keyring.keys.get(keyring.currentKeyId)!;

  // The chain continues from the head anchored on the ticket row (which the caller holds
  // locked), not from the last row of timeline_event: a tail deleted behind the application's
  // back then shows as a gap, instead of being papered over by the next event.
  const heads = await readHeads(manager, groups.filter((g) => !known.has(headKey(g))));
  for (const g of groups) if (known.has(headKey(g))) heads.set(headKey(g), known.get(headKey(g))!);

  const rows: Array<TimelineRecord & { hash: string; cle: string }> = [];
  const newHeads: Array<{ ticketType: TicketType; ticketId: string; seq: number; hash: string; mac: string }> = [];
  for (const g of groups) {
    const head = heads.get(headKey(g));
    if (!head) throw new Error(`appendToTimelines: no ${g.ticketType} row ${g.ticketId} to anchor its timeline on.`);
    if (head.seq > 0 && !(head.cle && keyring.keys.has(head.cle) && sameMac(head.mac, timelineHeadMac(keyring.keys.get(head.cle)!, { ...g, seq: head.seq, hash: head.hash })))) {
      // Appending would re-sign a head that someone changed without the key: refuse, loudly.
      throw new Error(`Timeline of ${g.ticketType} ${g.ticketId}: its head anchor does not verify; nothing appended (see fil:verifier).`);
    }
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
        // Every new event: its free texts stay anonymisable without breaking the chain (ADR 0023).
        format: 2,
      };
      const hash = timelineEventMac(key, record);
      previousHash = hash;
      rows.push({ ...record, hash, cle: keyring.currentKeyId });
    }
    newHeads.push({ ticketType: g.ticketType, ticketId: g.ticketId, seq, hash: previousHash!, mac: timelineHeadMac(key, { ...g, seq, hash: previousHash }) });
  }

  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    // The outbox rows and the new heads ride with the first chunk, as data-modifying CTEs (run
    // whether or not they are read): one round trip for the whole write.
    const withOutbox = i === 0 && outbox.length > 0 ? outboxInsert(outbox) : null;
    const params: unknown[] = withOutbox ? [...withOutbox.params] : [];
    const ctes: string[] = withOutbox ? [`outbox_rows AS (${withOutbox.sql})`] : [];
    if (i === 0) {
      for (const type of TICKET_TYPES) {
        const mine = newHeads.filter((h) => h.ticketType === type);
        if (mine.length === 0) continue;
        const b = params.length;
        params.push(mine.map((h) => h.ticketId), mine.map((h) => h.seq), mine.map((h) => h.hash), mine.map((h) => h.mac), keyring.currentKeyId);
        ctes.push(`head_${type} AS (
          UPDATE ${TICKET_TABLES[type]} t SET fil_seq = h.seq, fil_hash = h.hash, fil_mac = h.mac, fil_cle = $${b + 5}
            FROM unnest($${b + 1}::uuid[], $${b + 2}::int[], $${b + 3}::text[], $${b + 4}::text[]) AS h(id, seq, hash, mac)
           WHERE t.id = h.id)`);
      }
    }
    const tuples = chunk.map((e) => {
      const b = params.length;
      // data as JSON.stringify writes it, which is what canonicalJson hashed.
      params.push(e.eventId, e.ticketType, e.ticketId, e.seq, e.type, e.at, e.acteurId, e.acteurNom, e.acteurRole,
        e.visibilite, e.uniteType, e.uniteId, JSON.stringify(e.data), e.hash, e.previousHash, e.cle, e.format);
      const p = Array.from({ length: COLUMNS_PER_ROW }, (_, k) => `$${b + k + 1}${k === 12 ? '::jsonb' : ''}`);
      return `(${p.join(', ')})`;
    });
    try {
      await manager.query(
        `${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, acteur_id, acteur_nom, acteur_role,
           visibilite, unite_type, unite_id, data, hash, previous_hash, cle, format)
         VALUES ${tuples.join(', ')}`,
        params,
      );
    } catch (error) {
      if (error?.code === '23505' && error?.constraint === 'uq_timeline_event_ticket_seq') throw new ConcurrentUpdateError();
      throw error;
    }
  }
  return rows;
}

/** The key of a ticket's head in `known` (its id lower-cased, as PostgreSQL returns uuids). */
export function headKey(t: { ticketType: TicketType; ticketId: string }): string {
  return `${t.ticketType}/${t.ticketId.toLowerCase()}`;
}

/** A timeline's head as anchored on its ticket row (fil_seq, fil_hash, fil_mac, fil_cle); seq 0 for none yet. */
export interface TimelineHead {
  seq: number;
  hash: string | null;
  mac: string | null;
  cle: string | null;
}

/** The heads anchored on the tickets' rows, by `type/id`; a ticket without a row is absent. */
async function readHeads(manager: EntityManager, groups: TicketEvents[]): Promise<Map<string, TimelineHead>> {
  const heads = new Map<string, TimelineHead>();
  for (const type of TICKET_TYPES) {
    const ids = groups.filter((g) => g.ticketType === type).map((g) => g.ticketId);
    if (ids.length === 0) continue;
    const rows: Array<{ id: string; seq: number; hash: string | null; mac: string | null; cle: string | null }> = await manager.query(
      `SELECT id, fil_seq AS seq, fil_hash AS hash, fil_mac AS mac, fil_cle AS cle FROM ${TICKET_TABLES[type]} WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const r of rows) heads.set(`${type}/${r.id}`, { seq: r.seq, hash: r.hash, mac: r.mac, cle: r.cle });
  }
  return heads;
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
