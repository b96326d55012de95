import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type Webhook = Schemas['WebhookDto'];
export type WebhookCree = Schemas['WebhookCreeDto'];
export type Livraison = Schemas['WebhookLivraisonDto'];
export type LivraisonStatut = Livraison['statut'];

export const webhookKeys = {
  all: ['admin', 'webhooks'] as const,
  livraisons: (id: string, statut: string, cursor: string | null) => ['admin', 'webhooks', id, 'livraisons', statut, cursor] as const,
};

export function useWebhooks() {
  return useQuery({ queryKey: webhookKeys.all, queryFn: () => unwrap(api.GET('/api/v1/webhooks', { params: { query: { limit: 200 } } })) });
}

/** The event types an endpoint may receive, grouped as the form shows them, each said in French. */
export const TYPES_PAR_GROUPE: Array<{ groupe: string; types: Array<{ type: string; libelle: string }> }> = [
  {
    groupe: 'Questions',
    types: [
      { type: 'question.recue', libelle: 'Question reçue' },
      { type: 'question.repondue_localement', libelle: 'Répondue par la Maison' },
      { type: 'question.escaladee', libelle: 'Escaladée à une direction' },
      { type: 'question.prise_en_charge', libelle: 'Prise en charge' },
      { type: 'question.information_demandee', libelle: 'Information demandée' },
      { type: 'question.information_fournie', libelle: 'Information fournie' },
      { type: 'question.repondue', libelle: 'Répondue par la direction' },
      { type: 'question.reorientee', libelle: 'Réorientée' },
      { type: 'question.close', libelle: 'Close' },
      { type: 'question.rouverte', libelle: 'Rouverte' },
      { type: 'question.message', libelle: 'Message partagé (sans son texte)' },
    ],
  },
  {
    groupe: 'Commandes',
    types: [
      { type: 'commande.redigee', libelle: 'Commande rédigée' },
      { type: 'commande.brief_modifie', libelle: 'Cahier des charges modifié' },
      { type: 'commande.emise', libelle: 'Commande émise' },
      { type: 'commande.annulee', libelle: 'Commande annulée' },
      { type: 'commande.close', libelle: 'Commande close' },
      { type: 'commande.message', libelle: 'Message partagé (sans son texte)' },
    ],
  },
  {
    groupe: 'Affectations',
    types: [
      { type: 'affectation.accusee', libelle: 'Réception accusée' },
      { type: 'affectation.clarification_demandee', libelle: 'Clarification demandée' },
      { type: 'affectation.clarification_apportee', libelle: 'Clarification apportée' },
      { type: 'affectation.avancement_signale', libelle: 'Avancement signalé' },
      { type: 'affectation.livree', libelle: 'Livrée' },
      { type: 'affectation.validee', libelle: 'Validée' },
      { type: 'affectation.renvoyee', libelle: 'Renvoyée' },
      { type: 'affectation.annulee', libelle: 'Annulée' },
    ],
  },
  {
    groupe: 'Délais (SLA)',
    types: [
      { type: 'sla.avertissement', libelle: 'Échéance proche (à risque)' },
      { type: 'sla.depassement', libelle: 'Échéance dépassée' },
    ],
  },
];

const LIBELLES = new Map(TYPES_PAR_GROUPE.flatMap((g) => g.types.map((t) => [t.type, `${g.groupe} : ${t.libelle.toLowerCase()}`] as const)));

export function libelleType(type: string): string {
  return LIBELLES.get(type) ?? type;
}

export const STATUT_LIBELLE: Record<LivraisonStatut, { texte: string; tone: 'info' | 'success' | 'danger' }> = {
  en_attente: { texte: 'en attente', tone: 'info' },
  livree: { texte: 'livrée', tone: 'success' },
  echouee: { texte: 'échouée', tone: 'danger' },
};
