import { DateTime, IANAZone } from 'luxon';
import { FERMETURE_MAX_JOURS } from './business-calendar.types';
import { END_TIME_PATTERN, START_TIME_PATTERN, wallClockMs } from './time-of-day';

const WEEKDAY_KEYS = ['1', '2', '3', '4', '5', '6', '7'] as const;
const LOCAL_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Is `value` a real calendar date written 'yyyy-mm-dd' (2026-02-30 is not)? */
export function isLocalDate(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    LOCAL_DATE_PATTERN.test(value) &&
    DateTime.fromISO(value, { zone: 'utc' }).isValid
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a business calendar as an administrator could type it (or as it comes back from the
 * database), before anything computes with it. Returns French messages, each starting with
 * the path of the faulty field (`hours.1[0].start doit être au format HH:mm`); [] when valid.
 * Unknown extra fields are tolerated so that the spec can grow optional fields.
 */
export function validateCalendarSpec(spec: unknown): string[] {
  if (!isRecord(spec)) return ['le calendrier doit être un objet'];
  const errors: string[] = [];

  for (const field of ['id', 'libelle'] as const) {
    const value = spec[field];
    if (typeof value !== 'string' || value.trim() === '') {
      errors.push(`${field} doit être une chaîne non vide`);
    }
  }

  const timeZone = spec.timeZone;
  if (typeof timeZone !== 'string' || timeZone === '') {
    errors.push('timeZone doit être un fuseau horaire IANA (ex. Europe/Paris)');
  } else if (!IANAZone.isValidZone(timeZone)) {
    errors.push(`timeZone « ${timeZone} » n'est pas un fuseau horaire connu (ex. Europe/Paris)`);
  }

  errors.push(...validateHours(spec.hours));

  if (spec.holidays !== 'FR' && spec.holidays !== null) {
    errors.push("holidays doit valoir 'FR' (jours fériés français) ou null (aucun)");
  }

  const closures = spec.closures;
  if (!Array.isArray(closures)) {
    errors.push('closures doit être une liste de dates au format yyyy-mm-dd');
  } else {
    // Duplicates are harmless (a set of days) and deliberately not reported.
    closures.forEach((day, index) => {
      if (!isLocalDate(day)) {
        errors.push(`closures[${index}] (${String(day)}) doit être une date valide au format yyyy-mm-dd`);
      }
    });
  }

  errors.push(...validateFermetures(spec.fermetures));

  return errors;
}

/** Optional named periods: real dates, in order, at most a year long, each with a libellé. */
function validateFermetures(fermetures: unknown): string[] {
  if (fermetures === undefined) return [];
  if (!Array.isArray(fermetures)) return ['fermetures doit être une liste de périodes { du, au, libelle }'];
  const errors: string[] = [];
  fermetures.forEach((f, index) => {
    const path = `fermetures[${index}]`;
    if (!isRecord(f)) {
      errors.push(`${path} doit être un objet { du, au, libelle }`);
      return;
    }
    const duOk = isLocalDate(f.du);
    const auOk = isLocalDate(f.au);
    if (!duOk) errors.push(`${path}.du doit être une date valide au format yyyy-mm-dd`);
    if (!auOk) errors.push(`${path}.au doit être une date valide au format yyyy-mm-dd`);
    if (typeof f.libelle !== 'string' || f.libelle.trim() === '') errors.push(`${path}.libelle : le libellé de la fermeture est obligatoire`);
    else if (f.libelle.length > 200) errors.push(`${path}.libelle ne doit pas dépasser 200 caractères`);
    if (duOk && auOk) {
      const days = DateTime.fromISO(f.au as string, { zone: 'utc' }).diff(DateTime.fromISO(f.du as string, { zone: 'utc' }), 'days').days + 1;
      if (days < 1) errors.push(`${path}.au doit être le même jour que du ou un jour suivant`);
      else if (days > FERMETURE_MAX_JOURS) errors.push(`${path}.au : une fermeture dure au plus ${FERMETURE_MAX_JOURS} jours`);
    }
  });
  return errors;
}

function validateHours(hours: unknown): string[] {
  if (!isRecord(hours)) {
    return ['hours doit être un objet avec les jours 1 (lundi) à 7 (dimanche)'];
  }
  const errors: string[] = [];
  for (const key of Object.keys(hours)) {
    if (!(WEEKDAY_KEYS as readonly string[]).includes(key)) {
      errors.push(`hours.${key} n'est pas un jour : les jours vont de 1 (lundi) à 7 (dimanche)`);
    }
  }

  let anyOpening = false;
  for (const weekday of WEEKDAY_KEYS) {
    const intervals = hours[weekday];
    if (!Array.isArray(intervals)) {
      errors.push(`hours.${weekday} doit être une liste d'intervalles (vide si le jour est fermé)`);
      continue;
    }
    // Intervals must be well-formed, then in order and disjoint: the engine walks them in
    // order and counts each minute once, so an overlap would count minutes twice.
    let previous: { path: string; start: number; end: number } | undefined;
    intervals.forEach((interval, index) => {
      const path = `hours.${weekday}[${index}]`;
      if (!isRecord(interval)) {
        errors.push(`${path} doit être un objet { start, end }`);
        return;
      }
      const { start, end } = interval;
      const startOk = typeof start === 'string' && START_TIME_PATTERN.test(start);
      const endOk = typeof end === 'string' && END_TIME_PATTERN.test(end);
      if (!startOk) errors.push(`${path}.start doit être au format HH:mm`);
      if (!endOk) errors.push(`${path}.end doit être au format HH:mm (24:00 accepté)`);
      if (!startOk || !endOk) return;

      const current = { path, start: wallClockMs(start), end: wallClockMs(end) };
      if (current.start >= current.end) {
        errors.push(`${path} : le début (${start}) doit précéder la fin (${end})`);
        return;
      }
      anyOpening = true;
      if (previous) {
        if (current.start < previous.start) {
          errors.push(`${path} doit être placé avant ${previous.path} : les intervalles doivent être dans l'ordre`);
        } else if (current.start < previous.end) {
          errors.push(`${path} chevauche ${previous.path}`);
        }
      }
      previous = current;
    });
  }
  // A calendar that never opens would make "add N business minutes" search forever.
  if (!anyOpening && errors.length === 0) {
    errors.push("hours : au moins un jour doit avoir des heures d'ouverture");
  }
  return errors;
}
