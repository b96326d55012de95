import type { components } from '../api/schema';
import type { Tone } from '../shared/page';

export { nomCourtMaison } from '../fil/events';

export type Commande = components['schemas']['CommandeDto'];
export type Affectation = components['schemas']['AffectationDto'];
export type AffectationAvecCommande = components['schemas']['AffectationAvecCommandeDto'];
export type AffectationStatut = Affectation['statut'];
export type AffectationAction = Affectation['actions'][number];
export type CommandeStatut = Commande['statut'];

export const COMMANDE_STATUT_LIBELLE: Record<CommandeStatut, string> = {
  brouillon: 'brouillon',
  emise: 'émise',
  close: 'close',
  annulee: 'annulée',
};

/** The Maison's side of a commande (its affectation), as the Maison reads it. */
export const AFFECTATION_STATUT_LIBELLE: Record<AffectationStatut, string> = {
  envoyee: 'à accuser réception',
  accusee: 'réception accusée',
  en_cours: 'en cours',
  clarification_demandee: 'clarification demandée',
  livree: 'livrée',
  renvoyee: 'renvoyée à la Maison',
  validee: 'validée',
  annulee: 'annulée',
};

export const AFFECTATION_STATUT_TONE: Record<AffectationStatut, Tone> = {
  envoyee: 'info',
  accusee: 'info',
  en_cours: 'info',
  clarification_demandee: 'warning',
  livree: 'success',
  renvoyee: 'warning',
  validee: 'success',
  annulee: 'neutral',
};

/** The Maison's affectation in a commande (null when the Maison is not targeted). */
export function affectationDe(commande: Commande, maisonId: string | null | undefined): Affectation | null {
  if (!maisonId) return null;
  return commande.affectations.find((a) => a.maison.id === maisonId) ?? null;
}

/** The material the Cabinet provides, in words. */
export function materielLibelle(materiel: Commande['materiel']): string[] | string {
  if (materiel === 'aucun') return 'Aucun matériel fourni';
  if (materiel === null || materiel.length === 0) return 'Non précisé';
  return materiel;
}

export function joursOuvres(n: number): string {
  return `${n} jour${n > 1 ? 's' : ''} ouvré${n > 1 ? 's' : ''}`;
}

const dateLongue = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const heureParis = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

/**
 * A deadline as people say it: a date given without a time means "until the evening" (23:59:59
 * in Paris), shown as the day alone; otherwise the day and the time.
 */
export function formatEcheance(iso: string | null | undefined): string {
  if (!iso) return 'non précisée';
  const date = new Date(iso);
  const heure = heureParis.format(date);
  return heure === '23:59' ? dateLongue.format(date) : `${dateLongue.format(date)} à ${heure.replace(':', ' h ')}`;
}
