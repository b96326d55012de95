/**
 * The contract between the notifications' producer (the rules, turning outbox events into
 * inbox rows) and its channels (e-mail, live stream): each batch of notification rows created
 * for one source event is announced by one outbox event of this type, written in the same
 * transaction as the rows. Channels consume it like any outbox event: at least once, idempotent
 * by (consumer, event id), so a notification is mailed or streamed once in effect.
 */
export const NOTIFICATION_CREEE = 'notification.creee';

export interface NotificationCreeePayload {
  /** The outbox event the notifications come from. */
  sourceEventId: string;
  notifications: Array<{ id: string; destinataireId: string; type: NotificationType }>;
}

/**
 * The kinds of notification, one per rule (libs/notifications/src/rules). The user-facing label
 * of each kind lives with its rule; breaches cannot be muted.
 */
export const NOTIFICATION_TYPES = [
  'question_escaladee',
  'question_repondue',
  'info_demandee',
  'commande_recue',
  'clarification_apportee',
  'livraison_renvoyee',
  'clarification_demandee',
  'livraison_effectuee',
  'sla_avertissement',
  'sla_depassement',
  'capitalisation_suggeree',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Kinds a user may not mute: a breach always reaches its holder and the holder's manager. */
export const NOTIFICATION_TYPES_NON_MUETS: readonly NotificationType[] = ['sla_depassement'];

/** How a user receives e-mail: each notification at once, one digest a business day, or none. */
export const MODES_COURRIEL = ['immediat', 'resume', 'aucun'] as const;
export type ModeCourriel = (typeof MODES_COURRIEL)[number];
