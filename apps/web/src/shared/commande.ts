import type { Schemas } from '../api/client';
import type { Tone } from './page';

/**
 * What the Cabinet's screens (cabinet/) and the Maisons' screens (commandes/) both say about a
 * commande: its types and its state's label and tone. The affectation's labels stay with each
 * side (cabinet/labels.ts, commandes/labels.ts): the Cabinet and the Maison read its states in
 * different words on purpose ("envoyée" / "à accuser réception").
 */
export type Commande = Schemas['CommandeDto'];
export type Affectation = Schemas['AffectationDto'];
export type CommandeStatut = Commande['statut'];
export type AffectationStatut = Affectation['statut'];

export const COMMANDE_STATUT_LIBELLE: Record<CommandeStatut, string> = {
  brouillon: 'brouillon',
  emise: 'émise',
  close: 'close',
  annulee: 'annulée',
};

export const COMMANDE_STATUT_TONE: Record<CommandeStatut, Tone> = {
  brouillon: 'neutral',
  emise: 'info',
  close: 'success',
  annulee: 'neutral',
};
