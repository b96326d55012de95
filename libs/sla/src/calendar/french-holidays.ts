import Holidays from 'date-holidays';

/**
 * French public holidays, from `date-holidays` (never a hand-written list).
 *
 * Plain 'FR' — no state — so the Alsace-Moselle extras (Vendredi saint, 26 December) never
 * appear. Only `type === 'public'` counts: the package also lists observances (Pentecost
 * Sunday, Mother's Day) that are not days off. The `date` field is the local day
 * ("2026-07-14 00:00:00"); `start` is a UTC instant that falls on the previous day, so it is
 * not used.
 */

let france: Holidays | undefined;
// Holiday rules are evaluated once per year and shared by every calendar: timers and
// dashboards ask the same few years over and over.
const byYear = new Map<number, ReadonlyMap<string, string>>();

/** Public holidays of a year: local day 'yyyy-mm-dd' → French name. */
export function frenchPublicHolidays(year: number): ReadonlyMap<string, string> {
  let holidays = byYear.get(year);
  if (!holidays) {
    france ??= new Holidays('FR', { languages: ['fr'] });
    const days = new Map<string, string>();
    for (const holiday of france.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      const day = holiday.date.slice(0, 10);
      // Two holidays can share a day (Ascension fell on 1 May in 2008): keep both names.
      const known = days.get(day);
      days.set(day, known && known !== holiday.name ? `${known} / ${holiday.name}` : holiday.name);
    }
    holidays = days;
    byYear.set(year, holidays);
  }
  return holidays;
}
