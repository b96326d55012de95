/**
 * The ticket event types a webhook endpoint may subscribe to: the outbox events of the questions,
 * the commandes (and their affectations) and the SLA engine's warnings and breaches. Each is
 * delivered as `{type, timestamp, data}` (Standard Webhooks), `data` holding ids, the reference
 * and the new statut only (webhook.payload.ts).
 */
export const WEBHOOK_EVENT_TYPES = [
  'question.recue',
  'question.repondue_localement',
  'question.escaladee',
  'question.prise_en_charge',
  'question.information_demandee',
  'question.information_fournie',
  'question.repondue',
  'question.reorientee',
  'question.close',
  'question.rouverte',
  'question.message',
  'commande.redigee',
  'commande.brief_modifie',
  'commande.emise',
  'commande.annulee',
  'commande.close',
  'commande.message',
  'affectation.accusee',
  'affectation.clarification_demandee',
  'affectation.clarification_apportee',
  'affectation.avancement_signale',
  'affectation.livree',
  'affectation.validee',
  'affectation.renvoyee',
  'affectation.annulee',
  'sla.avertissement',
  'sla.depassement',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const KNOWN = new Set<string>(WEBHOOK_EVENT_TYPES);
export function isWebhookEventType(type: string): type is WebhookEventType {
  return KNOWN.has(type);
}

/** en_attente: to be (re)tried; livree: a 2xx came back; echouee: the last attempt failed (an admin may replay it). */
export const LIVRAISON_STATUTS = ['en_attente', 'livree', 'echouee'] as const;
export type LivraisonStatut = (typeof LIVRAISON_STATUTS)[number];
