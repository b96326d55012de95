import { DateTime } from 'luxon';
import { BusinessCalendar, BusinessTime, consumeWindows, openMsWithin } from '@app/sla';

interface Window {
  start: number;
  end: number;
}

const MS_PER_MINUTE = 60_000;

/**
 * The arithmetic of one BusinessCalendar, with every day's opening windows computed once for a
 * range of dates. The generator asks millions of due dates and durations; the real calendar
 * walks days through luxon (hundreds of microseconds a call), this walks arrays of instants.
 *
 * It is the same arithmetic, not an approximation: the two loops below use BusinessCalendar's
 * own helpers (same rounding, same "earliest instant that completes the count"), the days come from
 * the calendar's own business-day rule, and each day's windows are checked against the real
 * calendar when built (open at a window's first and last millisecond, closed just outside it,
 * and the day's total equal to the real count). A day that does not check out, or a call that
 * leaves the range, is answered by the real calendar. test/volume compares both on random
 * instants.
 */
export class PrecomputedBusinessTime implements BusinessTime {
  /** Local midnights of the covered days, plus the end of the last one. */
  private readonly starts: number[] = [];
  /** Each covered day's windows, or null when the real calendar must answer for that day. */
  private readonly windows: Array<readonly Window[] | null> = [];

  constructor(
    readonly calendar: BusinessCalendar,
    from: Date,
    to: Date,
  ) {
    const zone = calendar.spec.timeZone;
    let day = DateTime.fromMillis(from.getTime(), { zone }).startOf('day');
    while (day.toMillis() < to.getTime()) {
      const next = day.plus({ days: 1 }).startOf('day');
      this.starts.push(day.toMillis());
      this.windows.push(this.checked(day, next));
      day = next;
    }
    this.starts.push(day.toMillis());
  }

  /** The covered days' opening windows as [start, end) instants (for drawing creation times). */
  openingWindows(from: Date, to: Date): Window[] {
    const out: Window[] = [];
    for (let d = Math.max(0, this.dayIndex(from.getTime())); d < this.windows.length && this.starts[d] < to.getTime(); d++) {
      for (const w of this.windows[d] ?? []) {
        const start = Math.max(w.start, from.getTime());
        const end = Math.min(w.end, to.getTime());
        if (start < end) out.push({ start, end });
      }
    }
    return out;
  }

  addBusinessMinutes(start: Date, minutes: number): Date {
    const from = start.getTime();
    let d = this.dayIndex(from);
    if (d < 0 || !Number.isFinite(minutes) || minutes < 0) return this.calendar.addBusinessMinutes(start, minutes);
    let remaining = Math.round(minutes * MS_PER_MINUTE);
    for (; d < this.windows.length; d++) {
      const windows = this.windows[d];
      if (!windows) break;
      const step = consumeWindows(windows, from, remaining);
      if (step instanceof Date) return step;
      remaining = step;
    }
    return this.calendar.addBusinessMinutes(start, minutes);
  }

  businessMinutesBetween(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (to <= from) return 0;
    let d = this.dayIndex(from);
    if (d < 0 || to > this.starts[this.starts.length - 1]) return this.calendar.businessMinutesBetween(a, b);
    let total = 0;
    for (; d < this.windows.length && this.starts[d] < to; d++) {
      const windows = this.windows[d];
      if (!windows) return this.calendar.businessMinutesBetween(a, b);
      total += openMsWithin(windows, from, to);
    }
    return total / MS_PER_MINUTE;
  }

  /** The covered day containing `ms`, or -1 outside the range. */
  private dayIndex(ms: number): number {
    const starts = this.starts;
    if (ms < starts[0] || ms >= starts[starts.length - 1]) return -1;
    let lo = 0;
    let hi = starts.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The day's windows from the spec, or null if the real calendar disagrees with them. */
  private checked(day: DateTime, next: DateTime): Window[] | null {
    const date = day.toISODate()!;
    const windows: Window[] = [];
    if (this.calendar.isBusinessDay(date)) {
      for (const interval of this.calendar.spec.hours[day.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7]) {
        const start = wall(day, next, interval.start);
        const end = wall(day, next, interval.end);
        if (start >= end) continue;
        const last = windows[windows.length - 1];
        if (last && last.end === start) last.end = end;
        else windows.push({ start, end });
      }
    }
    const real = this.calendar.businessMinutesBetween(new Date(day.toMillis()), new Date(next.toMillis()));
    const sum = windows.reduce((s, w) => s + (w.end - w.start), 0) / MS_PER_MINUTE;
    if (real !== sum) return null;
    for (const w of windows) {
      const open = (ms: number) => this.calendar.isOpen(new Date(ms));
      if (!open(w.start) || !open(w.end - 1)) return null;
      if ((w.start > day.toMillis() && open(w.start - 1)) || (w.end < next.toMillis() && open(w.end))) return null;
    }
    return windows;
  }
}

/** The instant of a local wall-clock time 'HH:mm' on that day ('24:00' is the next midnight). */
function wall(day: DateTime, next: DateTime, hhmm: string): number {
  if (hhmm === '24:00') return next.toMillis();
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}
