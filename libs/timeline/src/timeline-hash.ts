import { canonicalHash } from '@app/core';

/**
 * A stored event as the chain sees it: every column of timeline_event except `hash` itself,
 * so that no stored value (not even the author's name shown in the fil, or the unit an
 * internal note is restricted to) can change without breaking the chain.
 */
export interface TimelineRecord {
  eventId: string;
  ticketType: string;
  ticketId: string;
  seq: number;
  type: string;
  at: Date;
  acteurId: string | null;
  acteurNom: string | null;
  acteurRole: string | null;
  visibilite: string;
  uniteType: string | null;
  uniteId: string | null;
  data: Record<string, unknown>;
  previousHash: string | null;
  /**
   * 1 (or absent): the MAC covers `data` as stored. 2: the MAC covers each free text of `data`
   * (TEXTES_ANONYMISABLES) by its keyed digest, so that the text can later be replaced by
   * « [anonymisé] » without breaking the chain (ADR 0023). Not itself a chained column: a change
   * of format changes what the MAC covers and fails it.
   */
  format?: number;
  /** Format 2 only: the digests of the texts anonymised since, by field. */
  empreintes?: Record<string, string> | null;
}

/**
 * SHA-256 (hex) of the canonical JSON of the record: the chain of events written before the
 * MAC (ADR 0002), still verified for them; new events use timelineEventMac. Both from
 * the same shape: `at` at millisecond precision in UTC (what a JavaScript Date holds, and what
 * timestamptz gives back), uuids in lower case (what PostgreSQL gives back).
 */
export function timelineEventHash(record: TimelineRecord): string {
  return canonicalHash(chainedFields(record));
}

/** What an event's hash or MAC covers: every column but the hash itself and its key id. */
export function chainedFields(record: TimelineRecord): Record<string, unknown> {
  return {
    eventId: record.eventId,
    ticketType: record.ticketType,
    ticketId: record.ticketId,
    seq: record.seq,
    type: record.type,
    at: record.at.toISOString(),
    acteurId: record.acteurId,
    acteurNom: record.acteurNom,
    acteurRole: record.acteurRole,
    visibilite: record.visibilite,
    uniteType: record.uniteType,
    uniteId: record.uniteId,
    data: record.data,
    previousHash: record.previousHash,
  };
}
