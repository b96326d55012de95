import type { components } from '../api/schema';
import type { Tone } from '../shared/page';
import type { Affectation, AffectationStatut, Commande } from '../shared/commande';

export { nomCourtMaison } from '../fil/events';
export { type Affectation, type AffectationStatut, type Commande, type CommandeStatut, COMMANDE_STATUT_LIBELLE } from '../shared/commande';

export type AffectationAvecCommande = components['schemas']['AffectationAvecCommandeDto'];
export type AffectationAction = Affectation['actions'][number];

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
