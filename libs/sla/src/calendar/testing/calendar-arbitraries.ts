import fc from 'fast-check';
import { DateTime } from 'luxon';
import { ALWAYS_OPEN_CALENDAR, NETWORK_CALENDAR } from '../calendars';
import { BusinessCalendar } from '../business-calendar';
import { BusinessCalendarSpec, OpeningInterval } from '../business-calendar.types';

/**
 * Test support for the property tests of BusinessCalendar (not exported by the library):
 * the calendars under test, fast-check arbitraries biased towards the days where business
 * time is tricky, and the minute-by-minute brute-force reference.
 */

export const ZONE = 'Europe/Paris';
export const MINUTE = 60_000;

/** Open every day, Sundays included, with intervals around and inside the hour the clocks change. */
const DST_TORTURE_HOURS: OpeningInterval[] = [
  { start: '00:00', end: '01:15' },
  { start: '02:00', end: '02:40' },
  { start: '02:50', end: '03:30' },
  { start: '09:00', end: '12:30' },
  { start: '13:30', end: '17:00' },
  { start: '23:30', end: '24:00' },
];
const DST_TORTURE: BusinessCalendarSpec = {
  id: 'torture',
  libelle: 'Ouvert la nuit et le dimanche, avec fermetures',
  timeZone: ZONE,
  hours: {
    1: DST_TORTURE_HOURS,
    2: DST_TORTURE_HOURS,
    3: DST_TORTURE_HOURS,
    4: DST_TORTURE_HOURS,
    5: DST_TORTURE_HOURS,
    6: DST_TORTURE_HOURS,
    7: DST_TORTURE_HOURS,
  },
  holidays: 'FR',
  // The pont after Ascension 2026 and Saturdays next to DST switches.
  closures: ['2026-05-15', '2026-10-24', '2026-12-24', '2027-03-27', '2027-10-30'],
};

export interface Subject {
  calendar: BusinessCalendar;
  /** Upper bound of the business durations added: "a few business days" of this calendar. */
  maxMinutes: number;
  /** The reference's memo of isOpen per minute (see `openAt`). */
  memo: Map<number, boolean>;
}

function subject(spec: BusinessCalendarSpec, maxMinutes: number): Subject {
  return { calendar: new BusinessCalendar(spec), maxMinutes, memo: new Map() };
}

/** The calendars under test, by id (arbitraries draw ids so that counterexamples stay short). */
export const SUBJECTS: Record<string, Subject> = {
  reseau: subject(NETWORK_CALENDAR, 3 * 420),
  torture: subject(DST_TORTURE, 2 * 605),
  // Its durations are wall-clock time: one day is enough to cross a DST night.
  permanent: subject(ALWAYS_OPEN_CALENDAR, 1440),
};

export const subjectIdArb = fc.constantFrom(...Object.keys(SUBJECTS));

/** Upper bound of the real-time spans measured with businessMinutesBetween (two days). */
export const MAX_SPAN_MINUTES = 2 * 24 * 60;

const TRICKY_DAYS = [
  // DST switches (Sundays) and the days around them
  '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30',
  '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26',
  '2027-03-26', '2027-03-28', '2027-10-29', '2027-10-30', '2027-10-31',
  // Easter Monday, Ascension (and the Thursday before: 8 May 2026 is a Friday), Whit Monday
  '2026-04-03', '2026-04-06', '2026-05-07', '2026-05-08', '2026-05-13', '2026-05-14', '2026-05-15',
  '2026-05-22', '2026-05-25', '2027-03-29', '2027-05-05', '2027-05-06', '2027-05-14', '2027-05-17',
  // 14 July, 15 August, 1 and 11 November, Christmas, New Year
  '2026-07-13', '2026-07-14', '2026-08-14', '2026-08-15', '2026-10-30', '2026-11-01', '2026-11-10',
  '2026-11-11', '2026-12-24', '2026-12-25', '2026-12-31', '2027-07-14', '2027-08-13', '2027-10-29',
  '2027-11-01', '2027-11-11', '2027-12-24',
];

/** A local day: mostly a tricky one, sometimes any day of 2026–2027. */
const dayArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY_DAYS) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 729 })
      .map((n) => DateTime.fromISO('2026-01-01', { zone: 'utc' }).plus({ days: n }).toISODate()!),
  },
);

/**
 * A whole-minute instant (epoch ms) near a day: its local midnight plus some real minutes,
 * often one of the opening/closing times (or the DST hour) of the calendars above. Real
 * minutes rather than wall-clock ones, so that both passes of the repeated hour get drawn.
 */
export const minuteInstantArb = fc
  .tuple(
    dayArb,
    fc.oneof(
      fc.integer({ min: -6 * 60, max: 30 * 60 }),
      fc.constantFrom(0, 60, 75, 119, 120, 150, 160, 170, 180, 210, 539, 540, 750, 810, 1020, 1410, 1439),
    ),
  )
  .map(([day, minutes]) => DateTime.fromISO(day, { zone: ZONE }).startOf('day').toMillis() + minutes * MINUTE);

/** Any millisecond instant near a tricky day, to exercise instants off whole minutes too. */
export const msInstantArb = fc
  .tuple(minuteInstantArb, fc.integer({ min: 0, max: MINUTE - 1 }))
  .map(([t, ms]) => t + ms);

/** A duration up to `max` minutes, with the edge cases drawn often. */
export function minutesArb(max: number): fc.Arbitrary<number> {
  return fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom(0, 1, 30, 210, 420, max));
}

/**
 * isOpen at a whole-minute instant. The memo only saves repeated calls (runs draw the same
 * tricky days again and again); the answer is still `isOpen`'s.
 */
function openAt(s: Subject, ms: number): boolean {
  let open = s.memo.get(ms);
  if (open === undefined) {
    open = s.calendar.isOpen(new Date(ms));
    s.memo.set(ms, open);
  }
  return open;
}

/**
 * The brute-force reference, from a whole-minute `start`, counting business time one minute
 * at a time. Opening bounds are whole local minutes and Paris offsets whole hours, so each
 * minute is either wholly open or wholly closed.
 * - `add`: with n = 0 the first open minute at or after start; otherwise the end of the n-th
 *   open minute;
 * - `between`: the number of open minutes among the first `span` ones.
 */
export function reference(s: Subject, start: number, n: number, span: number): { add: number; between: number } {
  let add: number | undefined;
  let between: number | undefined;
  let counted = 0;
  for (let i = 0; add === undefined || between === undefined; i++) {
    if (i > 40 * 24 * 60) throw new Error('the reference walked 40 days without an answer');
    if (i === span) between = counted;
    const t = start + i * MINUTE;
    if (!openAt(s, t)) continue;
    if (add === undefined && n === 0) add = t;
    counted++;
    if (add === undefined && counted === n) add = t + MINUTE;
  }
  return { add, between };
}

/** An instant as Paris wall-clock time, for failure messages. */
export function shownLocal(ms: number): string {
  return DateTime.fromMillis(ms, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm:ss.SSS ZZ');
}
