import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { appendToOutbox, Clock, OutboxConsumer, OutboxEvent } from '@app/core';
import { NOTIFICATION_CREEE, NotificationCreeePayload, NOTIFICATION_TYPES_NON_MUETS, NotificationType } from '../notification.types';
import { lienPour, NotificationRule, ruleOf, TicketNotifie } from './notification-rules';
import type { Destinataire } from './recipients.sql';

/**
 * Turns outbox events into inbox rows, by the rules (notification-rules.ts). In the consumer's
 * transaction, with its idempotency claim: the recipients are found, those who muted the kind
 * dropped (never for a breach), the rows inserted once per (event, recipient) whatever the
 * retries, and — only when a row was inserted — one `notification.creee` outbox row announces
 * them to the channels (e-mail, live stream), committed with them.
 */
@Injectable()
export class NotificationsConsumer implements OutboxConsumer {
  readonly name = 'notifications';

  constructor(private readonly clock: Clock) {}

  handles(type: string): boolean {
    return ruleOf(type) !== undefined;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void> {
    const rule = ruleOf(event.type);
    if (!rule) return;
    await notifier(manager, rule, event, this.clock.now());
  }
}

/** The rule applied to one event, in the caller's transaction. Returns the rows inserted now. */
export async function notifier(manager: EntityManager, rule: NotificationRule, event: OutboxEvent, at: Date): Promise<NotificationCreeePayload['notifications']> {
  const ticket = await chargerTicket(manager, event);
  if (!ticket) return [];
  const acteurId = (event.payload.acteurId ?? null) as string | null;
  const seen = new Set<string>();
  const candidats = (await rule.destinataires(manager, ticket, event)).filter((d) => {
    if (d.userId === acteurId || seen.has(d.userId)) return false;
    seen.add(d.userId);
    return true;
  });
  const destinataires = await sansMuets(manager, candidats, rule.type);
  if (destinataires.length === 0) return [];

  const affectations = await affectationsDuTicket(manager, ticket, event);
  const titre = rule.titre(ticket, event);
  const ids = destinataires.map(() => randomUUID());
  const inserted: Array<{ id: string; destinataire_id: string; type: NotificationType }> = await manager.query(
    `INSERT INTO notification (id, destinataire_id, type, evenement_id, ticket_type, ticket_id, reference, titre, lien, creee_a)
     SELECT id, destinataire_id, $3::varchar, $4::uuid, $5::varchar, $6::uuid, $7::varchar, $8::text, lien, $9::timestamptz
       FROM unnest($1::uuid[], $2::uuid[], $10::text[]) AS n(id, destinataire_id, lien)
     ON CONFLICT (evenement_id, destinataire_id) DO NOTHING
     RETURNING id, destinataire_id, type`,
    [
      ids,
      destinataires.map((d) => d.userId),
      rule.type,
      event.eventId,
      ticket.ticketType,
      ticket.ticketId,
      ticket.reference,
      titre,
      at,
      destinataires.map((d) => lienPour(ticket, d, affectations)),
    ],
  );
  if (inserted.length === 0) return [];
  const notifications = inserted.map((r) => ({ id: r.id, destinataireId: r.destinataire_id, type: r.type }));
  const payload: NotificationCreeePayload = { sourceEventId: event.eventId, notifications };
  await appendToOutbox(manager, [
    {
      id: randomUUID(),
      type: NOTIFICATION_CREEE,
      aggregateType: ticket.ticketType,
      aggregateId: ticket.ticketId,
      payload: payload as unknown as Record<string, unknown>,
      occurredAt: at,
    },
  ]);
  return notifications;
}

/** Drops the users who muted this kind; a kind that cannot be muted (a breach) reaches everyone. */
async function sansMuets(manager: EntityManager, destinataires: Destinataire[], type: NotificationType): Promise<Destinataire[]> {
  if (destinataires.length === 0 || NOTIFICATION_TYPES_NON_MUETS.includes(type)) return destinataires;
  const muets: Array<{ user_id: string }> = await manager.query(
    `SELECT user_id FROM notification_preference WHERE user_id = ANY($1::uuid[]) AND $2 = ANY(types_muets)`,
    [destinataires.map((d) => d.userId), type],
  );
  const exclus = new Set(muets.map((m) => m.user_id));
  return destinataires.filter((d) => !exclus.has(d.userId));
}

/** The ticket an event is about, as the rules read it (null: gone, nothing to say). */
async function chargerTicket(manager: EntityManager, event: OutboxEvent): Promise<TicketNotifie | null> {
  if (event.aggregateType === 'question') {
    const [r] = await manager.query(
      `SELECT reference, statut, maison_id, direction_id, referent_id, created_by FROM question WHERE id = $1`,
      [event.aggregateId],
    );
    if (!r) return null;
    return {
      ticketType: 'question',
      ticketId: event.aggregateId,
      reference: r.reference,
      question: { statut: r.statut, maisonId: r.maison_id, directionId: r.direction_id, referentId: r.referent_id, auteurId: r.created_by },
    };
  }
  if (event.aggregateType !== 'commande') return null;
  const affectationId = (event.payload.affectationId ?? null) as string | null;
  const [r] = await manager.query(
    `SELECT c.reference, c.emetteur_unite_type, c.emetteur_unite_id, a.id AS affectation_id, a.maison_id, a.statut, m.nom AS maison_nom
       FROM commande c
       LEFT JOIN affectation a ON a.commande_id = c.id AND a.id = $2
       LEFT JOIN maison m ON m.id = a.maison_id
      WHERE c.id = $1`,
    [event.aggregateId, affectationId],
  );
  if (!r) return null;
  return {
    ticketType: 'commande',
    ticketId: event.aggregateId,
    reference: r.reference,
    commande: { emetteurUniteType: r.emetteur_unite_type, emetteurUniteId: r.emetteur_unite_id },
    affectation: r.affectation_id ? { id: r.affectation_id, maisonId: r.maison_id, maisonNom: r.maison_nom, statut: r.statut } : undefined,
  };
}

/** Maison → its assignment on this commande, for the links of MdR recipients. */
async function affectationsDuTicket(manager: EntityManager, t: TicketNotifie, event: OutboxEvent): Promise<Map<string, string>> {
  if (t.ticketType !== 'commande') return new Map();
  if (t.affectation) return new Map([[t.affectation.maisonId, t.affectation.id]]);
  const rows: Array<{ id: string; maison_id: string }> = await manager.query(`SELECT id, maison_id FROM affectation WHERE commande_id = $1`, [event.aggregateId]);
  return new Map(rows.map((r) => [r.maison_id, r.id]));
}
