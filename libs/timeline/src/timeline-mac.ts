import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { canonicalJson, TIMELINE_KEYRING, TimelineKeyring } from '@app/core';
import { chainedFields, type TimelineRecord } from './timeline-hash';

/**
 * The keyed half of the chain (ADR 0002): HMAC-SHA-256 under a key the database never sees, so
 * that whoever can write to PostgreSQL (a superuser, a stolen backup restored, a replica-mode
 * session) cannot forge an event, a ticket's head or a seal that verifies. Each MAC names its
 * purpose (`contexte`): an event's MAC cannot pass for a head's or a seal's.
 */

export type Queryable = EntityManager | DataSource;

/** The keys of the DataSource the manager belongs to (put there by dataSourceOptions). */
export function keyringOf(q: Queryable): TimelineKeyring {
  const options = (q instanceof DataSource ? q.options : q.connection.options) as unknown as Record<symbol, TimelineKeyring | undefined>;
  const keyring = options[TIMELINE_KEYRING];
  if (!keyring) throw new Error('This DataSource has no timeline keys: build its options with dataSourceOptions(config).');
  return keyring;
}

function mac(key: Buffer, value: unknown): string {
  return createHmac('sha256', key).update(canonicalJson(value), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex MACs (a mismatch in length is a mismatch). */
export function sameMac(a: string | null, b: string | null): boolean {
  if (a === null || b === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The free-text fields of an event's `data` that may hold an usager's personal data (an objet,
 * a message, an answer, a motif, an issue, a note): in a format-2 event the MAC covers each one
 * by its keyed digest rather than its text, so that anonymisation can replace the text (ADR 0023).
 */
export const TEXTES_ANONYMISABLES = ['objet', 'message', 'reponse', 'motif', 'issue', 'texte'] as const;

/** What an anonymised text reads in the event, in the question row and everywhere else. */
export const TEXTE_ANONYMISE = '[anonymisé]';

/**
 * The keyed digest of one free text of one event: what a format-2 MAC covers in its place. Keyed
 * (the event's own key) so that a short text cannot be found back from the digest by trying
 * candidates, and tied to the event and the field so that it cannot be moved elsewhere.
 */
export function texteEmpreinte(key: Buffer, eventId: string, champ: string, texte: string): string {
  return mac(key, { contexte: 'relais.fil.texte.1', eventId: eventId.toLowerCase(), champ, texte });
}

/**
 * `data` as a format-2 MAC covers it: each free text by its digest, computed from the text, or
 * taken from `empreintes` once the text reads « [anonymisé] » (a digest kept for any other value
 * would let the text change: it is ignored, and the MAC then fails).
 */
export function macData(key: Buffer, record: TimelineRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record.data };
  for (const champ of TEXTES_ANONYMISABLES) {
    const value = record.data[champ];
    if (typeof value !== 'string') continue;
    const kept = record.empreintes?.[champ];
    out[champ] = { empreinte: kept && value === TEXTE_ANONYMISE ? kept : texteEmpreinte(key, record.eventId, champ, value) };
  }
  return out;
}

/** An event's MAC: every column but the MAC itself and its key id, as timelineEventHash covers them (free texts by digest in format 2). */
export function timelineEventMac(key: Buffer, record: TimelineRecord): string {
  if ((record.format ?? 1) === 2) {
    return mac(key, { contexte: 'relais.fil.evenement.2', ...chainedFields(record), data: macData(key, record) });
  }
  return mac(key, { contexte: 'relais.fil.evenement.1', ...chainedFields(record) });
}

/** A ticket's head: its last seq and that event's MAC, stored on the ticket row. */
export interface TimelineHead {
  ticketType: string;
  ticketId: string;
  seq: number;
  hash: string | null;
}

export function timelineHeadMac(key: Buffer, head: TimelineHead): string {
  return mac(key, { contexte: 'relais.fil.tete.1', ticketType: head.ticketType, ticketId: head.ticketId.toLowerCase(), seq: head.seq, hash: head.hash });
}

/** A head as a seal recorded it: the seal's day is part of it, so a head cannot move to another seal. */
export function sealedHeadMac(key: Buffer, jour: string, head: TimelineHead): string {
  return mac(key, { contexte: 'relais.sceau.tete.1', jour, ticketType: head.ticketType, ticketId: head.ticketId.toLowerCase(), seq: head.seq, hash: head.hash });
}

/** A seal: its day, the seal before it (a chain of seals), and a digest of every head it records, in order. */
export function sealMac(key: Buffer, seal: { jour: string; scelleA: Date; precedentMac: string | null; tickets: number; evenements: number; digest: string }): string {
  return mac(key, {
    contexte: 'relais.sceau.1',
    jour: seal.jour,
    scelleA: seal.scelleA.toISOString(),
    precedentMac: seal.precedentMac,
    tickets: seal.tickets,
    evenements: seal.evenements,
    digest: seal.digest,
  });
}
