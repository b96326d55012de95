import type { BusinessCalendar } from '@app/sla';
import { veille } from './dates';

/** The aging classes of open tickets, in business days since they came in. */
export const TRANCHES_ANCIENNETE = [
  { code: 'moins_1', libelle: 'Moins d’un jour ouvré', depuis: 0 },
  { code: 'de_1_a_3', libelle: '1 à 3 jours ouvrés', depuis: 1 },
  { code: 'de_3_a_5', libelle: '3 à 5 jours ouvrés', depuis: 3 },
  { code: 'de_5_a_10', libelle: '5 à 10 jours ouvrés', depuis: 5 },
  { code: 'plus_de_10', libelle: '10 jours ouvrés et plus', depuis: 10 },
] as const;

/**
 * For each class boundary k (1, 3, 5, 10): the latest local day from which a ticket is at least
 * k business days old today — its age being the business days after its day, up to today
 * included. A ticket whose local day is on or before `limites[k]` is in a class ≥ k. Computing
 * these few days once turns aging into plain date comparisons in SQL.
 */
export function limitesAnciennete(calendar: BusinessCalendar, now: Date): Map<number, string> {
  const out = new Map<number, string>();
  const seuils = TRANCHES_ANCIENNETE.map((t) => t.depuis).filter((k) => k > 0);
  const today = calendar.localDay(now);
  let jour = today;
  let ouvres = 0; // business days in (jour, today]
  for (let guard = 0; out.size < seuils.length && guard < 3660; guard++) {
    if (calendar.isBusinessDay(jour)) ouvres++;
    jour = veille(jour);
    for (const k of seuils) if (!out.has(k) && ouvres >= k) out.set(k, jour);
  }
  return out;
}
