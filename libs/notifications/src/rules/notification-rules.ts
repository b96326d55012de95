import { EntityManager } from 'typeorm';
import type { OutboxEvent } from '@app/core';
import type { NotificationType } from '../notification.types';
import {
  agentsDe,
  Destinataire,
  emetteurDe,
  managersDe,
  managersDuReseau,
  referentsDe,
  responsablesDe,
} from './recipients.sql';

/**
 * Who hears what: one row per outbox event type that notifies (ADR 0013). Each rule names the
 * kind of notification, finds its recipients with SQL on the ticket and the directory (as they
 * stand when the event is handled), and says in one French sentence what happened. A title
 * names the ticket by its reference, and the Maison for an assignment; never the usager's data,
 * a message's or a note's text. The performer of the action is never notified (the consumer
 * drops them), nor is an inactive user (the queries never select one).
 */
export interface NotificationRule {
  /** The outbox event type (libs/questions/src/domain/question.events.ts, libs/commandes/…, SLA fires). */
  evenement: string;
  type: NotificationType;
  destinataires(manager: EntityManager, t: TicketNotifie, e: OutboxEvent): Promise<Destinataire[]>;
  titre(t: TicketNotifie, e: OutboxEvent): string;
}

/** What the rules read of the ticket an event is about (loaded once per event). */
export interface TicketNotifie {
  ticketType: 'question' | 'commande';
  ticketId: string;
  reference: string;
  question?: { statut: string; maisonId: string; directionId: string | null; referentId: string | null; auteurId: string };
  commande?: { emetteurUniteType: 'cabinet' | 'direction'; emetteurUniteId: string | null };
  /** The assignment the event is about (its id in the payload), with its Maison's name. */
  affectation?: { id: string; maisonId: string; maisonNom: string; statut: string };
}

const p = (e: OutboxEvent, key: string) => (e.payload[key] ?? null) as string | null;
const q = (t: TicketNotifie) => t.question!;
const deMaison = (t: TicketNotifie) => (t.affectation ? ` (${t.affectation.maisonNom})` : '');

/** What each SLA clock is called, when it is about to run out and once it has. */
const HORLOGES: Record<string, [string, string]> = {
  prise_en_charge: ['le délai de prise en charge arrive à son terme', 'le délai de prise en charge est dépassé'],
  reponse: ['le délai de réponse arrive à son terme', 'le délai de réponse est dépassé'],
  relais: ['le délai de relais à l’usager arrive à son terme', 'le délai de relais à l’usager est dépassé'],
  accuse_reception: ['le délai d’accusé de réception arrive à son terme', 'le délai d’accusé de réception est dépassé'],
  echeance_commande: ['l’échéance de la commande approche', 'l’échéance de la commande est dépassée'],
  echeance_livrable: ['l’échéance d’un livrable approche', 'l’échéance d’un livrable est dépassée'],
};

function titreSla(t: TicketNotifie, e: OutboxEvent, depasse: boolean): string {
  const phrases = HORLOGES[p(e, 'horloge') ?? ''] ?? ['un délai arrive à son terme', 'un délai est dépassé'];
  return `${t.reference}${deMaison(t)} : ${phrases[depasse ? 1 : 0]}`;
}

/**
 * Who must act now on the ticket whose clock fired (the clock belongs to the ticket, DESIGN.md):
 * - a question waiting at the siège (escalated, claimed, rerouted): the référent it is assigned
 *   to, else its direction's référents; the coordination queue's holders are the network managers;
 * - a question waiting for its MdR (information asked, answer to relay, the relay clock): the MdR;
 * - an assignment: its MdR's responsable, except while it waits for a clarification: the issuer.
 * With the unit that holds it, whose managers hear of a breach.
 */
export async function detenteur(manager: EntityManager, t: TicketNotifie, e: OutboxEvent): Promise<{ destinataires: Destinataire[]; unite: Parameters<typeof managersDe>[1] }> {
  if (t.question) {
    const x = t.question;
    const cote = x.statut === 'en_attente_info' || x.statut === 'repondue' || p(e, 'horloge') === 'relais' ? 'maison' : 'siege';
    if (cote === 'maison') return { destinataires: await agentsDe(manager, x.maisonId, x.auteurId), unite: { type: 'maison', id: x.maisonId } };
    if (!x.directionId) return { destinataires: await managersDuReseau(manager), unite: { type: 'reseau', id: null } };
    // The référent it is assigned to, while active and still of that direction; else all of them.
    const referents = await referentsDe(manager, x.directionId, null);
    const assigne = referents.filter((u) => u.userId === x.referentId);
    return { destinataires: assigne.length > 0 ? assigne : referents, unite: { type: 'direction', id: x.directionId } };
  }
  const a = t.affectation;
  if (a && a.statut !== 'clarification_demandee') return { destinataires: await responsablesDe(manager, [a.maisonId]), unite: { type: 'maison', id: a.maisonId } };
  const c = t.commande!;
  return {
    destinataires: await emetteurDe(manager, t.ticketId),
    unite: c.emetteurUniteType === 'direction' ? { type: 'direction', id: c.emetteurUniteId } : { type: 'reseau', id: null },
  };
}

export const NOTIFICATION_RULES: readonly NotificationRule[] = [
  // Questions, bottom-up: the siège hears of what it must answer, the MdR of what comes back.
  {
    evenement: 'question.escaladee',
    type: 'question_escaladee',
    destinataires: (m, t, e) => referentsDe(m, p(e, 'directionId'), p(e, 'referentId')),
    titre: (t) => `${t.reference} : nouvelle question escaladée à votre direction`,
  },
  {
    evenement: 'question.reorientee',
    type: 'question_escaladee',
    destinataires: (m, t, e) => referentsDe(m, p(e, 'directionId'), p(e, 'referentId')),
    titre: (t) => `${t.reference} : question réorientée vers votre direction`,
  },
  {
    evenement: 'question.repondue',
    type: 'question_repondue',
    destinataires: (m, t) => agentsDe(m, q(t).maisonId, q(t).auteurId),
    titre: (t) => `${t.reference} : le siège a répondu, réponse à relayer à l’usager`,
  },
  {
    evenement: 'question.information_demandee',
    type: 'info_demandee',
    destinataires: (m, t) => agentsDe(m, q(t).maisonId, q(t).auteurId),
    titre: (t) => `${t.reference} : le référent demande un complément d’information`,
  },
  // Commandes, top-down: the MdR's responsable hears of what it must do, the issuer of what comes back.
  {
    evenement: 'commande.emise',
    type: 'commande_recue',
    destinataires: (m, t, e) => responsablesDe(m, ((e.payload.affectations ?? []) as Array<{ maisonId: string }>).map((a) => a.maisonId)),
    titre: (t) => `${t.reference} : nouvelle commande reçue par votre Maison`,
  },
  {
    evenement: 'affectation.clarification_apportee',
    type: 'clarification_apportee',
    destinataires: (m, t) => responsablesDe(m, [t.affectation!.maisonId]),
    titre: (t) => `${t.reference} : l’émetteur a répondu à votre demande de clarification`,
  },
  {
    evenement: 'affectation.renvoyee',
    type: 'livraison_renvoyee',
    destinataires: (m, t) => responsablesDe(m, [t.affectation!.maisonId]),
    titre: (t) => `${t.reference} : livraison renvoyée par l’émetteur, à reprendre`,
  },
  {
    evenement: 'affectation.clarification_demandee',
    type: 'clarification_demandee',
    destinataires: (m, t) => emetteurDe(m, t.ticketId),
    titre: (t) => `${t.reference}${deMaison(t)} : demande de clarification`,
  },
  {
    evenement: 'affectation.livree',
    type: 'livraison_effectuee',
    destinataires: (m, t) => emetteurDe(m, t.ticketId),
    titre: (t) => `${t.reference}${deMaison(t)} : livraison effectuée, à valider`,
  },
  // SLA fires (libs/sla/src/engine/sla.fire.ts): the holder at the warning; the holder and its managers at the breach.
  {
    evenement: 'sla.avertissement',
    type: 'sla_avertissement',
    destinataires: async (m, t, e) => (await detenteur(m, t, e)).destinataires,
    titre: (t, e) => titreSla(t, e, false),
  },
  {
    evenement: 'sla.depassement',
    type: 'sla_depassement',
    destinataires: async (m, t, e) => {
      const { destinataires, unite } = await detenteur(m, t, e);
      return [...destinataires, ...(await managersDe(m, unite))];
    },
    titre: (t, e) => titreSla(t, e, true),
  },
  // Capitalisation (ADR 0017): similar escalations pile up on a dispositif; its direction's référents may publish a FAQ entry.
  {
    evenement: 'capitalisation.suggeree',
    type: 'capitalisation_suggeree',
    destinataires: (m, t, e) => referentsDe(m, p(e, 'directionId'), null),
    titre: (t, e) => `${t.reference} : ${Number(e.payload.nombre)} questions similaires sur ${p(e, 'dispositifNom') ?? 'un dispositif'}, publiez une réponse`,
  },
];

const BY_EVENT = new Map(NOTIFICATION_RULES.map((r) => [r.evenement, r]));

export function ruleOf(eventType: string): NotificationRule | undefined {
  return BY_EVENT.get(eventType);
}

/** What each kind is called on the preferences screen. */
export const LIBELLES_TYPES: Record<NotificationType, string> = {
  question_escaladee: 'Question escaladée ou réorientée vers ma direction',
  question_repondue: 'Réponse du siège à une question de ma Maison',
  info_demandee: 'Demande d’information sur une question de ma Maison',
  commande_recue: 'Nouvelle commande reçue par ma Maison',
  clarification_apportee: 'Clarification apportée par l’émetteur d’une commande',
  livraison_renvoyee: 'Livraison renvoyée par l’émetteur d’une commande',
  clarification_demandee: 'Demande de clarification d’une Maison sur ma commande',
  livraison_effectuee: 'Livraison d’une Maison sur ma commande',
  sla_avertissement: 'Délai bientôt atteint sur un dossier que je détiens',
  sla_depassement: 'Délai dépassé (toujours notifié)',
  capitalisation_suggeree: 'Questions similaires sur un dispositif de ma direction : réponse à publier',
};

/**
 * The web app path that opens the ticket for this recipient: a question's page for everyone;
 * for a commande, an MdR user opens its Maison's assignment, anyone else the commande's page.
 */
export function lienPour(t: TicketNotifie, d: Destinataire, affectations: ReadonlyMap<string, string>): string {
  if (t.ticketType === 'question') return `/questions/${t.ticketId}`;
  const affectation = d.perimetre === 'maison' && d.maisonId ? affectations.get(d.maisonId) : undefined;
  return affectation ? `/commandes-recues/${affectation}` : `/cabinet/commandes/${t.ticketId}`;
}
