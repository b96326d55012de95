import { Meteo, METEOS } from '../persistence/barometre.entities';

/** soleil 1 … orage 5: the higher, the worse (ADR 0020). */
export const SCORE_METEO: Record<Meteo, number> = { soleil: 1, soleil_voile: 2, nuageux: 3, pluie: 4, orage: 5 };

export type Comptes = Record<Meteo, number>;

export const comptesVides = (): Comptes => ({ soleil: 0, soleil_voile: 0, nuageux: 0, pluie: 0, orage: 0 });

export const totalDes = (c: Comptes): number => METEOS.reduce((a, m) => a + c[m], 0);

/** The mean score of the month's entries, two decimals; null without entry. */
export function scoreMoyen(c: Comptes): number | null {
  const n = totalDes(c);
  if (n === 0) return null;
  const somme = METEOS.reduce((a, m) => a + c[m] * SCORE_METEO[m], 0);
  return Math.round((100 * somme) / n) / 100;
}

/**
 * The weather of the month (ADR 0020): the mean of the entries' scores (soleil 1 … orage 5),
 * rounded to the nearest weather, a mean exactly half-way going to the worse one (2.5 is
 * nuageux, not soleil_voile). Computed on integers, so no floating-point tie is missed. Null
 * without entry.
 */
export function meteoDuMois(c: Comptes): Meteo | null {
  const n = totalDes(c);
  if (n === 0) return null;
  const somme = METEOS.reduce((a, m) => a + c[m] * SCORE_METEO[m], 0);
  // round half up of somme / n: floor((2 somme + n) / 2n)
  const score = Math.floor((2 * somme + n) / (2 * n));
  return METEOS[score - 1];
}

export type Tendance = 'amelioration' | 'stable' | 'degradation';

/** Better or worse than the previous month, by the mean score; null when either month has no entry. */
export function tendance(courant: Comptes, precedent: Comptes): Tendance | null {
  const a = scoreMoyen(courant);
  const b = scoreMoyen(precedent);
  if (a === null || b === null) return null;
  return a < b ? 'amelioration' : a > b ? 'degradation' : 'stable';
}
