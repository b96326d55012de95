/** Local days as 'yyyy-mm-dd' strings: they sort like the dates they name. */

/** The day after 'yyyy-mm-dd'. */
export function lendemain(day: string): string {
  return decaler(day, 1);
}

/** The day before 'yyyy-mm-dd'. */
export function veille(day: string): string {
  return decaler(day, -1);
}

/** 'yyyy-mm-dd' moved by whole days (noon UTC: no time zone can shift the date). */
export function decaler(day: string, jours: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + jours);
  return d.toISOString().slice(0, 10);
}

/** The local month of 'yyyy-mm-dd', as its first day ('yyyy-mm-01'). */
export function moisDe(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** The last day of the month of 'yyyy-mm-dd'. */
export function finDuMois(day: string): string {
  const d = new Date(`${moisDe(day)}T12:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1, 0);
  return d.toISOString().slice(0, 10);
}

/** The Monday of the ISO week of 'yyyy-mm-dd'. */
export function lundiDe(day: string): string {
  return decaler(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7));
}
