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
