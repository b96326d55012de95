export type TicketType = 'question' | 'commande';
export const TICKET_TYPES: readonly TicketType[] = ['question', 'commande'];

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
  /** seq of the first event whose hash, link or position is wrong; null when valid */
  premiereAnomalie: number | null;
}
