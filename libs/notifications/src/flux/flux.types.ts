import { AuthContext } from '@app/core';
import { canReadCommande, CommandeStatut, UniteEmettrice } from '@app/commandes';
import { canReadQuestion } from '@app/questions';
import { TicketType, Unite, unitesOf, Visibilite } from '@app/timeline';
import type { NotificationType } from '../notification.types';

/**
 * The live stream's messages (ADR 0012). The worker writes one per ticket event and one per
 * notification into a Redis Stream; every API process reads that stream once and decides, per
 * connected client, who receives what — from the message alone, without a database query per
 * client per event. So each message carries its audience: what the access rules of the ticket
 * need to know (the same functions as GET /questions/{id} and /commandes/{id}), computed by the
 * worker when it handled the outbox event.
 */

/** The Redis key of the stream, under the deployment's prefix (tests and deployments share a Redis). */
export function fluxStreamKey(queuePrefix: string): string {
  return `${queuePrefix}:flux`;
}

/**
 * With FILES_ATTENTE=postgres (ADR 0022) the stream is the table `flux_entree` instead: the same
 * messages, ordered by `position`, which a deferred trigger gives each row at commit under
 * FLUX_LOCK (so positions commit in order), a NOTIFY on FLUX_CHANNEL at each commit for the
 * API's readers, and `flux_etat.coupe_jusqu_a`, the last position trimmed (what XINFO tells on
 * Redis). An entry's SSE id is `<position>-0`, a stream id.
 */
export const FLUX_CHANNEL = 'relais_flux';
/** The advisory lock (`pg_advisory_xact_lock`) of flux_entree's positions (its trigger's; the migration says 1179407704). */
export const FLUX_LOCK = 0x464c5558; // 'FLUX'

/**
 * Entries kept (XADD MAXLEN ~): a client that was away longer than these many events ago gets a
 * `resync` instead of a replay. At ~1 kB an entry, about 50 MB of Redis at most.
 */
export const FLUX_MAXLEN = 50_000;

/** What the question's access rule needs (QuestionScope) without the caller. */
export interface QuestionAudience {
  ticketType: 'question';
  maisonId: string;
  /** The direction holding it now (null: the network coordination queue, or still at the MdR). */
  directionId: string | null;
  referentId: string | null;
  /** Every direction that holds or held it (question_acces_direction): a reroute keeps the former holder. */
  directionIds: string[];
}

/** What the commande's access rule needs (CommandeScope) without the caller. */
export interface CommandeAudience {
  ticketType: 'commande';
  statut: CommandeStatut;
  emetteurUnite: UniteEmettrice;
  maisonIds: string[];
  /** The users who are contacts of the brief (matched by e-mail when the event was handled): ids, never e-mails. */
  contactIds: string[];
}

export interface FluxFilMessage {
  k: 'fil';
  /** The timeline (= outbox) event id: the client's deduplication key. */
  eventId: string;
  ticketType: TicketType;
  ticketId: string;
  reference: string | null;
  seq: number;
  type: string;
  at: string;
  visibilite: Visibilite;
  /** For an internal note: the unit whose members read it (same rule as the fil's read). */
  unite: Unite | null;
  audience: QuestionAudience | CommandeAudience;
}

export interface FluxNotificationMessage {
  k: 'notification';
  id: string;
  destinataireId: string;
  type: NotificationType;
  titre: string;
  lien: string;
  ticketType: TicketType;
  ticketId: string;
  reference: string;
}

export type FluxMessage = FluxFilMessage | FluxNotificationMessage;

/**
 * Does the caller follow this ticket live? The rule of GET /questions/{id}, /commandes/{id} for
 * participants; a spécialisation's read-only view of other Maisons' questions is not pushed
 * (ADR 0018: the correspondent consults the network list, its stream stays its own tickets').
 */
export function canReadTicket(ctx: AuthContext, a: QuestionAudience | CommandeAudience): boolean {
  if (a.ticketType === 'question') {
    const held = ctx.directionId !== null && a.directionIds.includes(ctx.directionId);
    return canReadQuestion(ctx, { maisonId: a.maisonId, directionId: a.directionId, referentId: a.referentId, heldByCallerDirection: held, correspondantDuTheme: false });
  }
  return canReadCommande(ctx, { statut: a.statut, emetteurUnite: a.emetteurUnite, maisonIds: a.maisonIds, estContact: a.contactIds.includes(ctx.userId) });
}

/** Would the fil's read show this event to the caller (shared, or internal to one of the caller's units)? */
export function canSeeEvent(ctx: AuthContext, m: Pick<FluxFilMessage, 'visibilite' | 'unite'>): boolean {
  if (m.visibilite === 'partage') return true;
  if (!m.unite) return false;
  return unitesOf(ctx).some((u) => u.type === m.unite!.type && u.id === m.unite!.id);
}

/** Is this message for this caller? Deny by default: an unknown kind reaches no one. */
export function fluxAudienceIncludes(ctx: AuthContext, m: FluxMessage): boolean {
  if (m.k === 'notification') return m.destinataireId === ctx.userId;
  if (m.k === 'fil') return canReadTicket(ctx, m.audience) && canSeeEvent(ctx, m);
  return false;
}

/** The SSE event a client receives: enough to refetch, never a note's text nor an audience. */
export function fluxEventOf(m: FluxMessage): { event: 'fil' | 'notification'; data: Record<string, unknown> } {
  if (m.k === 'notification') {
    const { id, type, titre, lien, ticketType, ticketId, reference } = m;
    return { event: 'notification', data: { id, type, titre, lien, ticketType, ticketId, reference } };
  }
  const { eventId, ticketType, ticketId, reference, seq, type, at } = m;
  return { event: 'fil', data: { id: eventId, ticketType, ticketId, reference, seq, type, at } };
}
