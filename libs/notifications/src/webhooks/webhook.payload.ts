import type { OutboxEvent } from '@app/core';

/** What a webhook says about the ticket, read beside the event (its seq, and for SLA events the reference and statut). */
export interface TicketFacts {
  seq: number | null;
  reference: string | null;
  statut: string | null;
}

/** The Standard Webhooks body: `{type, timestamp, data}`. */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * The outbox payload's fields a webhook may carry, per kind of ticket: ids, codes, dates and
 * statuts. Everything else stays home: the usager's identity and contacts (never in the outbox
 * anyway), and the staff's own words (answers, messages, notes, motifs, clarifications), which
 * may quote the usager. A whitelist, so a field added to an event later is not published by
 * accident.
 */
const SAFE_FIELDS: Record<'question' | 'commande', readonly string[]> = {
  question: ['maisonId', 'directionId', 'priorite', 'dispositifId', 'themeId'],
  commande: ['affectationId', 'maisonId', 'statutAffectation', 'echeance', 'urgent', 'pourcentage'],
};
const SLA_FIELDS = ['horloge', 'cycle', 'affectationId', 'livrableId', 'echeance', 'retardMs'] as const;

/** The body of a delivery of `event`: built once, stored with the delivery, signed at each attempt. */
export function webhookPayload(event: OutboxEvent, facts: TicketFacts, occurredAt: Date): WebhookPayload {
  const ticketType = event.aggregateType === 'commande' ? 'commande' : 'question';
  const p = event.payload;
  const isSla = event.type.startsWith('sla.');
  const statut = isSla ? facts.statut : ((ticketType === 'commande' ? p.statutCommande : p.statut) ?? facts.statut);
  const data: Record<string, unknown> = {
    evenementId: event.eventId,
    seq: facts.seq,
    ticket: { type: ticketType, id: event.aggregateId, reference: (isSla ? facts.reference : p.reference) ?? facts.reference },
    statut: typeof statut === 'string' ? statut : null,
  };
  for (const field of isSla ? SLA_FIELDS : SAFE_FIELDS[ticketType]) {
    const value = p[field];
    if (value !== undefined && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) data[field] = value;
  }
  return { type: event.type, timestamp: occurredAt.toISOString(), data };
}
