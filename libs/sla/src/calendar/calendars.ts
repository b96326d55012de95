import { BusinessCalendarSpec, OpeningInterval, Weekday } from './business-calendar.types';

/** The same intervals Monday to Friday, closed at the weekend. */
function weekdays(intervals: OpeningInterval[]): Record<Weekday, OpeningInterval[]> {
  return { 1: intervals, 2: intervals, 3: intervals, 4: intervals, 5: intervals, 6: [], 7: [] };
}

// Frozen: these are shared defaults, and one caller mutating them (say, pushing a closure)
// would silently change every MdR's deadlines. Derive a calendar with a spread instead:
// `{ ...NETWORK_CALENDAR, id: 'mdr-albi', closures: ['2026-12-24'] }`.
function frozen(spec: BusinessCalendarSpec): BusinessCalendarSpec {
  for (const intervals of Object.values(spec.hours)) {
    intervals.forEach((interval) => Object.freeze(interval));
    Object.freeze(intervals);
  }
  Object.freeze(spec.hours);
  Object.freeze(spec.closures);
  return Object.freeze(spec);
}

/** The network's default calendar, used by every MdR that has none of its own. */
export const NETWORK_CALENDAR: BusinessCalendarSpec = frozen({
  id: 'reseau',
  libelle: 'Réseau des Maisons de la Région',
  timeZone: 'Europe/Paris',
  hours: weekdays([
    { start: '09:00', end: '12:30' },
    { start: '13:30', end: '17:00' },
  ]),
  holidays: 'FR',
  closures: [],
});

/** The siège (headquarters: directorates and Cabinet). */
export const SIEGE_CALENDAR: BusinessCalendarSpec = frozen({
  id: 'siege',
  libelle: 'Siège de la Région',
  timeZone: 'Europe/Paris',
  hours: weekdays([
    { start: '08:30', end: '12:30' },
    { start: '13:30', end: '17:30' },
  ]),
  holidays: 'FR',
  closures: [],
});

const ALL_DAY: OpeningInterval[] = [{ start: '00:00', end: '24:00' }];

/**
 * Always open, no holidays: business minutes are plain elapsed minutes (a DST day counts 23
 * or 25 hours). For tests and benchmarks.
 */
export const ALWAYS_OPEN_CALENDAR: BusinessCalendarSpec = frozen({
  id: 'permanent',
  libelle: 'Permanent (24 h/24, 7 j/7)',
  timeZone: 'Europe/Paris',
  hours: { 1: ALL_DAY, 2: ALL_DAY, 3: ALL_DAY, 4: ALL_DAY, 5: ALL_DAY, 6: ALL_DAY, 7: ALL_DAY },
  holidays: null,
  closures: [],
});
