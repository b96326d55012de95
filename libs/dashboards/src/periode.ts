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
  const { jours, entiers } = couverture(periode, moisDe, finDuMois);
  return { jours, mois: entiers };
}

/**
 * The same for the weekly trend: the period's whole ISO weeks (their Mondays) from the weekly
 * level, the days of its partial first and last weeks from the daily one.
 */
export function semainesDe(periode: Periode): { jours: string[]; semaines: Periode | null } {
  const { jours, entiers } = couverture(periode, lundiDe, (lundi) => decaler(lundi, 6));
  return { jours, semaines: entiers };
}

/**
 * A period cut into whole units (months, weeks) and the days outside them. `debutDe` gives the
 * first day of a day's unit, `finDe` the last day of the unit starting on a given first day.
 * `entiers`: the first days of the first and last whole units, null when there is none.
 */
function couverture(periode: Periode, debutDe: (jour: string) => string, finDe: (debut: string) => string): { jours: string[]; entiers: Periode | null } {
  const premier = debutDe(periode.du) === periode.du ? periode.du : lendemain(finDe(debutDe(periode.du)));
  const dernier = finDe(debutDe(periode.au)) === periode.au ? debutDe(periode.au) : debutDe(veille(debutDe(periode.au)));
  const entiers = premier <= dernier;
  const jours: string[] = [];
  for (let d = periode.du; d <= periode.au; d = lendemain(d)) {
    if (entiers && d === premier) d = finDe(dernier);
    else jours.push(d);
  }
  return { jours, entiers: entiers ? { du: premier, au: dernier } : null };
}

/** 'yyyy-mm-dd' naming a real day (not 2026-02-30). */
function jourValide(v: string): boolean {
  const d = new Date(`${v}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}
