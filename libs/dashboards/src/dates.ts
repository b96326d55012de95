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
