import type { components } from '../api/schema';
import type { Tone } from '../shared/page';

export type Question = components['schemas']['QuestionDto'];
export type Statut = Question['statut'];
export type Action = NonNullable<Question['actions']>[number];

export const STATUT_LIBELLE: Record<Statut, string> = {
  recue: 'reçue',
  repondue_localement: 'répondue localement',
  escaladee: 'escaladée',
  prise_en_charge: 'prise en charge',
  en_attente_info: 'en attente d’information',
  repondue: 'répondue',
  close: 'close',
  rouverte: 'rouverte',
};

export const STATUT_TONE: Record<Statut, Tone> = {
  recue: 'info',
  repondue_localement: 'success',
  escaladee: 'info',
  prise_en_charge: 'info',
  en_attente_info: 'warning',
  repondue: 'success',
  close: 'neutral',
  rouverte: 'warning',
};

export const CANAL_LIBELLE: Record<Question['canal'], string> = { guichet: 'au guichet', telephone: 'au téléphone', email: 'par e-mail' };

const EVENEMENT: Record<string, string> = {
  'question.recue': 'a enregistré la question',
  'question.repondue_localement': 'a répondu sur place',
  'question.escaladee': 'a transmis la question au siège',
  'question.prise_en_charge': 'a pris la question en charge',
  'question.information_demandee': 'a demandé une information à la Maison',
  'question.information_fournie': 'a fourni l’information demandée',
  'question.repondue': 'a répondu',
  'question.reorientee': 'a réorienté la question',
  'question.close': 'a clos la question',
  'question.rouverte': 'a rouvert la question',
  'question.message': 'a écrit un message',
  'sla.avertissement': 'Délai à risque : le seuil d’alerte est atteint',
  'sla.depassement': 'Délai dépassé : l’échéance est passée',
  'sla.calendrier_modifie': 'Les échéances ont été recalculées (calendrier modifié)',
  'sla.politique_desactivee': 'La politique de délai a été désactivée',
};

/** One timeline event in plain French: "Claire Vidal a transmis la question au siège". */
export function phraseOf(type: string, acteur: string | null): string {
  const text = EVENEMENT[type];
  if (!text) return `Événement « ${type} »${acteur ? ` (${acteur})` : ''}`;
  if (type.startsWith('sla.') || !acteur) return text.charAt(0).toUpperCase() + text.slice(1);
  return `${acteur} ${text}`;
}
