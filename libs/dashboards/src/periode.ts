import { ValidationFailedError } from '@app/core';
import { decaler, finDuMois, lendemain, lundiDe, moisDe, veille } from './dates';

export interface Periode {
  du: string;
  au: string;
}

/** Four weeks: what a manager opening the dashboard sees. */
export const PERIODE_PAR_DEFAUT_JOURS = 28;
export const PERIODE_MAX_JOURS = 731;

/** The period asked for, local days included; by default the last four weeks up to today. */
export function periodeDe(params: { du?: string; au?: string }, today: string): Periode {
  for (const field of ['du', 'au'] as const) {
    const v = params[field];
    if (v !== undefined && !jourValide(v)) throw new ValidationFailedError([{ field, message: `« ${v} » n’est pas une date du calendrier.` }]);
  }
  const au = params.au ?? today;
  const du = params.du ?? decaler(au, -(PERIODE_PAR_DEFAUT_JOURS - 1));
  if (du > au) throw new ValidationFailedError([{ field: 'du', message: 'doit être antérieur ou égal à « au ».' }]);
  if (decaler(du, PERIODE_MAX_JOURS) < au) throw new ValidationFailedError([{ field: 'au', message: 'La période ne peut pas dépasser deux ans.' }]);
  return { du, au };
}

/**
 * How the roll-up's levels cover a period: its whole local months from the monthly level
 * (`mois`: first days of the first and last of them), every other day from the daily one.
 */
export function niveauxDe(periode: Periode): { jours: string[]; mois: Periode | null } {
  const premier = periode.du === moisDe(periode.du) ? periode.du : lendemain(finDuMois(periode.du));
  const dernier = periode.au === finDuMois(periode.au) ? moisDe(periode.au) : moisDe(veille(moisDe(periode.au)));
  const entiers = premier <= dernier;
  const jours: string[] = [];
  for (let d = periode.du; d <= periode.au; d = lendemain(d)) {
    if (entiers && d === premier) d = finDuMois(dernier);
    else jours.push(d);
  }
  return { jours, mois: entiers ? { du: premier, au: dernier } : null };
}

/**
 * The same for the weekly trend: the period's whole ISO weeks (their Mondays) from the weekly
 * level, the days of its partial first and last weeks from the daily one.
 */
export function semainesDe(periode: Periode): { jours: string[]; semaines: Periode | null } {
  const premier = lundiDe(periode.du) === periode.du ? periode.du : decaler(lundiDe(periode.du), 7);
  const dernier = decaler(lundiDe(periode.au), decaler(lundiDe(periode.au), 6) === periode.au ? 0 : -7);
  const entieres = premier <= dernier;
  const jours: string[] = [];
  for (let d = periode.du; d <= periode.au; d = lendemain(d)) {
    if (entieres && d === premier) d = decaler(dernier, 6);
    else jours.push(d);
  }
  return { jours, semaines: entieres ? { du: premier, au: dernier } : null };
}

/** 'yyyy-mm-dd' naming a real day (not 2026-02-30). */
function jourValide(v: string): boolean {
  const d = new Date(`${v}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
