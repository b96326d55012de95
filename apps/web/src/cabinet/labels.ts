import type { Schemas } from '../api/client';
import type { Tone } from '../shared/page';
import type { Affectation, AffectationStatut } from '../shared/commande';

export { type Affectation, type AffectationStatut, type Commande, type CommandeStatut, COMMANDE_STATUT_LIBELLE, COMMANDE_STATUT_TONE } from '../shared/commande';
export type Verification = Schemas['VerificationBriefDto'];

/** The assignment states in the order of their flow (the roll-up matrix's columns). */
export const AFFECTATION_STATUTS: AffectationStatut[] = ['envoyee', 'accusee', 'en_cours', 'clarification_demandee', 'livree', 'renvoyee', 'validee', 'annulee'];

export const AFFECTATION_STATUT_LIBELLE: Record<AffectationStatut, string> = {
  envoyee: 'envoyée',
  accusee: 'accusée',
  en_cours: 'en cours',
  clarification_demandee: 'clarification demandée',
  livree: 'livrée',
  renvoyee: 'renvoyée',
  validee: 'validée',
  annulee: 'retirée',
};

export const AFFECTATION_STATUT_TONE: Record<AffectationStatut, Tone> = {
  envoyee: 'info',
  accusee: 'info',
  en_cours: 'info',
  clarification_demandee: 'warning',
  livree: 'warning',
  renvoyee: 'warning',
  validee: 'success',
  annulee: 'neutral',
};

const dateOnly = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const isoDay = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Paris' });

/** "18 décembre 2026" (a deadline is a day, in Paris). */
export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

/** The Paris calendar day of an instant, as a date input holds it: "2026-12-18". */
export function parisDay(iso: string | null | undefined): string {
  return iso ? isoDay.format(new Date(iso)) : '';
}

export function pluriel(n: number, singulier: string, plurielForm = `${singulier}s`): string {
  return `${new Intl.NumberFormat('fr-FR').format(n)} ${n > 1 ? plurielForm : singulier}`;
}
