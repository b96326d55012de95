import { DateTime, IANAZone } from 'luxon';
import { BusinessCalendarSpec, Weekday } from './business-calendar.types';
import { frenchPublicHolidays } from './french-holidays';
import { MS_PER_HOUR, MS_PER_MINUTE, wallClockMs } from './time-of-day';
import { isLocalDate, validateCalendarSpec } from './validate-calendar-spec';

/** A stretch of opening time as real instants (epoch ms), end exclusive. */
interface Window {
  start: number;
  end: number;
}

/**
 * One local day of the calendar, computed once: its first instant, its opening windows, and the
 * next day's date. Walking days through
 * these records costs no time-zone arithmetic once they are cached (luxon's offset lookups
 * through Intl were a quarter of the CPU of reading a page of 50 questions' clocks).
 */
interface LocalDay {
  start: number;
  windows: readonly Window[];
  next: string;
}

/** An opening interval as milliseconds since local midnight (wall clock), end exclusive. */
interface WallInterval {
  start: number;
  end: number;
}

/** Libellé shown for an extra closure day (the spec gives dates only). */
const CLOSURE_LIBELLE = 'Fermeture exceptionnelle';

/**
 * How many consecutive closed days a search may cross before giving up. A valid spec opens at
 * least one weekday, so only an absurd list of closures could get here; without the bound such
 * a calendar would hang the caller instead of failing.
 */
const MAX_CLOSED_DAYS_IN_A_ROW = 3660;

/** Per-calendar memo of computed days; timers re-ask the same weeks, a cap keeps memory flat. */
const MAX_CACHED_DAYS = 4096;

/**
 * Business time of one calendar (an MdR, the siège): opening hours per weekday, public
 * holidays and closure days, in the calendar's time zone. Pure and synchronous: no clock, no
 * I/O, so the SLA engine can call it anywhere and tests can pin every instant.
 *
 * ## Wall-clock semantics, including DST
 *
 * Opening intervals are local wall-clock times. An instant is open when its local day is a
 * business day and its local time of day (as a clock on the wall of the MdR would show it)
 * lies in one of that weekday's intervals, start included, end excluded. Consequences on the
 * two days a year when the clock jumps (Europe/Paris, last Sundays of March and October):
 * - spring forward (02:00 → 03:00): the local times 02:00–02:59 do not exist, so an interval
 *   02:00–03:30 lasts 30 real minutes and a day open 00:00–24:00 has 23 hours;
 * - fall back (03:00 → 02:00): the local times 02:00–02:59 happen twice and both count, so an
 *   interval 02:00–03:30 lasts 150 real minutes and a day open 00:00–24:00 has 25 hours.
 * Business minutes are therefore always real elapsed minutes inside open time, and a 24/7
 * calendar measures plain elapsed time. `isOpen` is the definition; the interval arithmetic
 * below is a fast way of computing the same thing, and the property tests check that they
 * agree minute by minute.
 *
 * ## Precision
 *
 * Instants are handled to the millisecond, and minute counts may be fractional when the
 * inputs are not on whole minutes: `businessMinutesBetween` is an exact measure, so that
 * `addBusinessMinutes(a, businessMinutesBetween(a, b))` lands on `b` when `b` is open.
 * Callers that want whole minutes round themselves.
 *
 * ## Cost
 *
 * Everything works day by day with interval arithmetic (O(days spanned), never minute by
 * minute); public holidays are cached per year and each day's opening windows per calendar.
 */
export class BusinessCalendar {
  readonly spec: BusinessCalendarSpec;

  private readonly zone: IANAZone;
  /** Opening intervals indexed by ISO weekday (index 0 unused). */
  private readonly intervalsByWeekday: ReadonlyArray<readonly WallInterval[]>;
  private readonly closures: ReadonlySet<string>;
  /** The libellé of each day of a named closure period. */
  private readonly fermetureLibelles: ReadonlyMap<string, string>;
  private readonly days = new Map<string, LocalDay>();

  constructor(spec: BusinessCalendarSpec) {
    const errors = validateCalendarSpec(spec);
    if (errors.length > 0) {
      const id = typeof spec?.id === 'string' ? spec.id : '?';
      throw new Error(`Invalid business calendar "${id}": ${errors.join('; ')}`);
    }
    // A private frozen copy: the precomputed intervals below must never drift from `spec`
    // because a caller mutated the object it passed in.
    this.spec = deepFreeze(structuredClone(spec));
    this.zone = IANAZone.create(spec.timeZone);
    const byWeekday: WallInterval[][] = [[]];
    for (let weekday = 1; weekday <= 7; weekday++) {
      byWeekday.push(
        spec.hours[weekday as Weekday].map((interval) => ({
          start: wallClockMs(interval.start),
          end: wallClockMs(interval.end),
        })),
      );
    }
    this.intervalsByWeekday = byWeekday;
    const named = new Map<string, string>();
    for (const f of spec.fermetures ?? []) {
      for (let day = DateTime.fromISO(f.du, { zone: 'utc' }); day.toISODate()! <= f.au; day = day.plus({ days: 1 })) {
        if (!named.has(day.toISODate()!)) named.set(day.toISODate()!, f.libelle.trim());
      }
    }
    this.fermetureLibelles = named;
    this.closures = new Set([...spec.closures, ...named.keys()]);
  }

  /** A local date ('yyyy-mm-dd' in the calendar's zone, or the local day of an instant) that has opening hours and is neither a public holiday nor a closure. */
  isBusinessDay(day: string | Date): boolean {
    if (typeof day !== 'string') {
      const local = this.local(instantMs(day));
      return this.isBusinessDate(local.toISODate()!, local.weekday);
    }
    if (!isLocalDate(day)) throw new RangeError(`Not a local date 'yyyy-mm-dd': ${day}`);
    return this.isBusinessDate(day, DateTime.fromISO(day, { zone: 'utc' }).weekday);
  }

  /** The local day of an instant in the calendar's zone, 'yyyy-mm-dd'. */
  localDay(at: Date): string {
    return this.localDate(instantMs(at)).toISODate()!;
  }

  /** Is the calendar open at this instant? */
  isOpen(at: Date): boolean {
    // The reference definition of open time (see the class comment): read the local wall
    // clock with luxon and compare it to the weekday's intervals.
    const local = this.local(instantMs(at));
    if (!this.isBusinessDate(local.toISODate()!, local.weekday)) return false;
    const wall =
      local.hour * MS_PER_HOUR + local.minute * MS_PER_MINUTE + local.second * 1000 + local.millisecond;
    return this.intervalsByWeekday[local.weekday].some((i) => i.start <= wall && wall < i.end);
  }

  /**
   * The instant `minutes` business minutes after `start` (minutes >= 0; 0 → start itself if
   * open, else the next opening).
   *
   * For minutes > 0 the result is the earliest instant that completes the count, so a target
   * used up exactly at closing time falls due at closing time (Friday 16:40 + 20 min → Friday
   * 17:00), not at the next opening.
   */
  addBusinessMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`Business minutes must be a finite number >= 0, got ${minutes}`);
    }
    const from = instantMs(start);
    let remaining = Math.round(minutes * MS_PER_MINUTE);
    let day = this.dayAt(from);
    for (let closedInARow = 0; closedInARow <= MAX_CLOSED_DAYS_IN_A_ROW; ) {
      closedInARow = day.windows.length === 0 ? closedInARow + 1 : 0;
      const step = consumeWindows(day.windows, from, remaining);
      if (step instanceof Date) return step;
      remaining = step;
      day = this.dayOf(day.next);
    }
    throw new Error(`Business calendar "${this.spec.id}" has no opening time in ${MAX_CLOSED_DAYS_IN_A_ROW} days`);
  }

  /** Business minutes in [a, b) (0 if b <= a). */
  businessMinutesBetween(a: Date, b: Date): number {
    const from = instantMs(a);
    const to = instantMs(b);
    if (to <= from) return 0;
    let total = 0;
    for (let day = this.dayAt(from); day.start < to; day = this.dayOf(day.next)) total += openMsWithin(day.windows, from, to);
    // Sum in integer milliseconds and divide once, so that additivity holds exactly.
    return total / MS_PER_MINUTE;
  }

  /** Business days d with localDay(a) < d <= localDay(b) (0 if b's day <= a's day): "how many working days from now until that deadline". */
  businessDaysBetween(a: Date, b: Date): number {
    const last = this.localDate(instantMs(b)).toISODate()!;
    let count = 0;
    // 'yyyy-mm-dd' strings order like the dates they name.
    for (let day = nextDate(this.localDate(instantMs(a))); day.toISODate()! <= last; day = nextDate(day)) {
      if (this.isBusinessDate(day.toISODate()!, day.weekday)) count++;
    }
    return count;
  }

  /** The local day that is `days` business days after a's local day, as 'yyyy-mm-dd'. */
  addBusinessDays(a: Date, days: number): string {
    if (!Number.isInteger(days) || days < 0) {
      throw new RangeError(`Business days must be an integer >= 0, got ${days}`);
    }
    let day = this.localDate(instantMs(a));
    let closedInARow = 0;
    for (let counted = 0; counted < days; ) {
      day = nextDate(day);
      if (this.isBusinessDate(day.toISODate()!, day.weekday)) {
        counted++;
        closedInARow = 0;
      } else if (++closedInARow > MAX_CLOSED_DAYS_IN_A_ROW) {
        throw new Error(`Business calendar "${this.spec.id}" has no business day in ${MAX_CLOSED_DAYS_IN_A_ROW} days`);
      }
    }
    return day.toISODate()!;
  }

  /** Public holidays and closures of a year, for display: [{date:'yyyy-mm-dd', libelle}] sorted. */
  closedDays(year: number): Array<{ date: string; libelle: string }> {
    if (!Number.isInteger(year)) throw new RangeError(`Not a year: ${year}`);
    const byDate = new Map<string, string>();
    if (this.spec.holidays === 'FR') {
      for (const [date, libelle] of frenchPublicHolidays(year)) byDate.set(date, libelle);
    }
    const prefix = `${String(year).padStart(4, '0')}-`;
    for (const date of this.closures) {
      // A closure on a public holiday adds nothing to show: the holiday's name is clearer.
      if (date.startsWith(prefix) && !byDate.has(date)) byDate.set(date, this.fermetureLibelles.get(date) ?? CLOSURE_LIBELLE);
    }
    return [...byDate]
      .map(([date, libelle]) => ({ date, libelle }))
      .sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  }

  // --- internals ---------------------------------------------------------------------------

  private isBusinessDate(date: string, weekday: number): boolean {
    if (this.intervalsByWeekday[weekday].length === 0) return false;
    if (this.closures.has(date)) return false;
    if (this.spec.holidays === 'FR' && frenchPublicHolidays(Number(date.slice(0, 4))).has(date)) return false;
    return true;
  }

  private local(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: this.zone });
  }

  /** The first instant of the next local day (23, 24 or 25 hours later). */
  private nextLocalMidnight(day: DateTime): DateTime {
    return day.plus({ days: 1 }).startOf('day');
  }

  /** The local calendar date of an instant, as a zone-free date (UTC midnight) for stepping. */
  private localDate(ms: number): DateTime {
    return DateTime.fromISO(this.local(ms).toISODate()!, { zone: 'utc' });
  }

  /**
   * The local day holding an instant, found among the cached days rather than by asking luxon
   * for the zone's offset (a clock's remaining time is read for every row of a list, issue #17):
   * an offset is within ±14 h, so the local date is the UTC date or one of its neighbours, and
   * days partition time, each from its first instant to the next day's.
   */
  private dayAt(ms: number): LocalDay {
    const utc = new Date(ms).toISOString();
    // Years beyond 9999 print with six digits and a sign: leave them to luxon.
    let date = utc.length === 24 ? utc.slice(0, 10) : this.local(ms).toISODate()!;
    let day = this.dayOf(date);
    while (ms < day.start) {
      date = previousDate(date);
      day = this.dayOf(date);
    }
    for (let next = this.dayOf(day.next); next.start <= ms; next = this.dayOf(day.next)) day = next;
    return day;
  }

  /** The local day of date 'yyyy-mm-dd': its first instant, its opening windows (real instants, in order) and the next date. */
  private dayOf(date: string): LocalDay {
    let day = this.days.get(date);
    if (!day) {
      const midnight = DateTime.fromISO(date, { zone: this.zone }).startOf('day');
      day = {
        start: midnight.toMillis(),
        windows: this.computeWindows(midnight, date),
        next: nextDate(DateTime.fromISO(date, { zone: 'utc' })).toISODate()!,
      };
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      this.days.set(date, day);
    }
    return day;
  }

  /**
   * Maps the weekday's wall-clock intervals to real instants. The day is cut where the UTC
   * offset changes (a DST switch); inside each piece the offset is constant, so the wall clock
   * advances exactly with real time and an interval is a plain shift of the piece's start.
   * Pieces come in time order, so do the windows.
   */
  private computeWindows(day: DateTime, date: string): Window[] {
    if (!this.isBusinessDate(date, day.weekday)) return [];
    const intervals = this.intervalsByWeekday[day.weekday];
    const windows: Window[] = [];
    for (const piece of this.constantOffsetPieces(day.toMillis(), this.nextLocalMidnight(day).toMillis())) {
      const clock = this.local(piece.start);
      const wallAtStart =
        clock.hour * MS_PER_HOUR + clock.minute * MS_PER_MINUTE + clock.second * 1000 + clock.millisecond;
      for (const interval of intervals) {
        const start = Math.max(piece.start, piece.start + interval.start - wallAtStart);
        const end = Math.min(piece.end, piece.start + interval.end - wallAtStart);
        if (start >= end) continue;
        const last = windows[windows.length - 1];
        // Fall back: 02:00–03:00 (summer time) is followed at once by 02:00–03:00 (winter
        // time); glue such touching pieces so callers see one stretch of open time.
        if (last && last.end === start) last.end = end;
        else windows.push({ start, end });
      }
    }
    return windows;
  }

  /**
   * Cuts [from, to) where the zone's UTC offset changes, using luxon's zone rules. Assumes an
   * offset never changes and changes back within the same piece, which holds for every real
   * zone at day scale.
   */
  private constantOffsetPieces(from: number, to: number): Window[] {
    const pieces: Window[] = [];
    let start = from;
    while (start < to) {
      const offset = this.zone.offset(start);
      if (this.zone.offset(to - 1) === offset) {
        pieces.push({ start, end: to });
        break;
      }
      // Binary search for the first millisecond with another offset.
      let same = start;
      let changed = to - 1;
      while (changed - same > 1) {
        const middle = Math.floor((same + changed) / 2);
        if (this.zone.offset(middle) === offset) same = middle;
        else changed = middle;
      }
      pieces.push({ start, end: changed });
      start = changed;
    }
    return pieces;
  }
}

function instantMs(date: Date): number {
  // Duck-typed rather than `instanceof Date`: a Date from another realm (a Jest sandbox, a
  // worker thread) is still a Date.
  const ms = typeof date?.getTime === 'function' ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Not a valid instant: ${String(date)}`);
  return ms;
}

/** Next calendar date of a zone-free date (UTC midnight): calendar arithmetic, no offsets. */
function nextDate(date: DateTime): DateTime {
  return date.plus({ days: 1 });
}

/** The calendar date before 'yyyy-mm-dd'. */
function previousDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).minus({ days: 1 }).toISODate()!;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** An opening window of one day, as real instants (ms). */
export interface OpeningWindow {
  start: number;
  end: number;
}

/**
 * One day's share of "add business time": walks the day's windows from `from`, spending
 * `remaining` ms. Returns the instant the count completes (the earliest one; `remaining` 0 → the
 * next opening), or the ms still to spend on the following days.
 */
export function consumeWindows(windows: readonly OpeningWindow[], from: number, remaining: number): Date | number {
  for (const window of windows) {
    if (window.end <= from) continue;
    const openFrom = Math.max(window.start, from);
    if (remaining === 0) return new Date(openFrom);
    const available = window.end - openFrom;
    if (remaining <= available) return new Date(openFrom + remaining);
    remaining -= available;
  }
  return remaining;
}

/** Open ms of one day's windows within [from, to). */
export function openMsWithin(windows: readonly OpeningWindow[], from: number, to: number): number {
  let total = 0;
  for (const window of windows) {
    const overlap = Math.min(window.end, to) - Math.max(window.start, from);
    if (overlap > 0) total += overlap;
  }
  return total;
}
