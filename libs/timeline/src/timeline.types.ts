export type TicketType = 'question' | 'commande';
export const TICKET_TYPES: readonly TicketType[] = ['question', 'commande'];
/** The table whose row carries each ticket type's head anchor (fil_seq, fil_hash, fil_mac, fil_cle). */
export const TICKET_TABLES: Record<TicketType, string> = { question: 'question', commande: 'commande' };

/** `partage`: every participant of the ticket reads it; `interne`: only the author's unit. */
export type Visibilite = 'partage' | 'interne';
export const VISIBILITES: readonly Visibilite[] = ['partage', 'interne'];

/** An organisational unit: an MdR, a direction, the Cabinet, the network coordination. */
export interface Unite {
  type: 'maison' | 'direction' | 'cabinet' | 'reseau';
  /** The maison or direction id; null for the Cabinet and the network, which are one each. */
  id: string | null;
}

export interface Acteur {
  id: string;
  displayName: string;
  role: string;
}

export interface TimelineEntry {
  /** uuid of the domain event (also the outbox row id) */
  eventId: string;
  /** e.g. 'question.escaladee' */
  type: string;
  at: Date;
  /** null for system events (SLA timers) */
  acteur: Acteur | null;
  visibilite: Visibilite;
  /** required when visibilite = 'interne': only this unit reads it */
  unite: Unite | null;
  /**
   * Stored forever and never erasable (append-only): no usager personal data here, only ids
   * and the staff's own words.
   */
  data: Record<string, unknown>;
}

/** What GET .../fil returns per event. */
export interface TimelineEventView {
  seq: number;
  type: string;
  /** ISO 8601, UTC (`Z`) */
  at: string;
  acteur: Acteur | null;
  visibilite: Visibilite;
  data: Record<string, unknown>;
  hash: string;
  previousHash: string | null;
}

export interface TimelineVerification {
  valide: boolean;
  evenements: number;
  /** seq of the first event whose MAC, link or position is wrong, or where the chain stops short of its head or seal; null when valid */
  premiereAnomalie: number | null;
  /** Events chained before the MAC (SHA-256 only, ADR 0002): trusted through the head anchored over them. */
  anterieursAuMac: number;
  /** The head anchored on the ticket row: its seq, the key that signed it, whether its MAC and the chain agree with it. */
  tete: { seq: number; cle: string | null; valide: boolean };
  /** The latest seal that covers the ticket (null: not sealed yet), and whether the chain still holds what it recorded. */
  sceau: { jour: string; scelleA: string; seq: number; valide: boolean } | null;
  /** The first anomaly, in words (absent when valid). */
  anomalie?: { seq: number; raison: string };
}
