/**
 * The business-time arithmetic a clock needs; BusinessCalendar provides it (and a test can too).
 */
export interface BusinessTime {
  addBusinessMinutes(start: Date, minutes: number): Date;
  businessMinutesBetween(a: Date, b: Date): number;
}

export const CLOCK_ETATS = ['running', 'paused', 'met', 'breached', 'cancelled'] as const;
export type ClockEtat = (typeof CLOCK_ETATS)[number];

export interface ClockState {
  etat: ClockEtat;
  /** Target in business minutes, copied from the policy when the clock started (a later policy change does not alter it). */
  cibleMinutes: number;
  /** Warning threshold, percent of the target. */
  seuilPct: number;
  /** Business minutes consumed before the current running segment. */
  consommeMinutes: number;
  /** Start of the current running segment (null unless running). */
  segmentDepuis: Date | null;
  /** Due and warning instants of the current running segment (null unless running or breached). */
  echeance: Date | null;
  avertissementA: Date | null;
  /** Bumped by every pause, resume and reschedule: a timer of another generation is stale. */
  generation: number;
  depasseeA: Date | null;
  avertieA: Date | null;
  atteinteA: Date | null;
}

export class ClockTransitionError extends Error {}

/**
 * A pure SLA clock. A pause keeps the business minutes already consumed; resuming recomputes the
 * due date from what remains, on the calendar of whoever holds the ticket now. A breached clock
 * can still be met (late); only a running or paused clock can be paused, resumed or rescheduled.
 */
export class SlaClock {
  private constructor(private s: ClockState) {}

  static start(at: Date, cibleMinutes: number, seuilPct: number, calendar: BusinessTime): SlaClock {
    const clock = new SlaClock({
      etat: 'running',
      cibleMinutes,
      seuilPct,
      consommeMinutes: 0,
      segmentDepuis: at,
      echeance: null,
      avertissementA: null,
      generation: 1,
      depasseeA: null,
      avertieA: null,
      atteinteA: null,
    });
    clock.schedule(calendar);
    return clock;
  }

  static from(state: ClockState): SlaClock {
    return new SlaClock({ ...state });
  }

  get state(): Readonly<ClockState> {
    return { ...this.s };
  }

  /** Business minutes consumed up to `at` (the running segment included). */
  consumed(at: Date, calendar: BusinessTime): number {
    if (this.s.etat !== 'running' && this.s.etat !== 'breached') return this.s.consommeMinutes;
    if (!this.s.segmentDepuis) return this.s.consommeMinutes;
    return this.s.consommeMinutes + calendar.businessMinutesBetween(this.s.segmentDepuis, at);
  }

  /** Business minutes left before the due date (negative when late), as the API shows it. */
  remaining(at: Date, calendar: BusinessTime): number | null {
    if (this.s.etat === 'met' || this.s.etat === 'cancelled') return null;
    return this.s.cibleMinutes - this.consumed(at, calendar);
  }

  pause(at: Date, calendar: BusinessTime): void {
    if (this.s.etat !== 'running') throw new ClockTransitionError(`cannot pause a ${this.s.etat} clock`);
    this.s.consommeMinutes = this.consumed(at, calendar);
    this.s.etat = 'paused';
    this.s.segmentDepuis = null;
    this.s.echeance = null;
    this.s.avertissementA = null;
    this.s.generation++;
  }

  resume(at: Date, calendar: BusinessTime): void {
    if (this.s.etat !== 'paused') throw new ClockTransitionError(`cannot resume a ${this.s.etat} clock`);
    this.s.etat = 'running';
    this.s.segmentDepuis = at;
    this.s.generation++;
    this.schedule(calendar);
  }

  /**
   * The ticket changed holder (another calendar) or the calendar changed (closure day added):
   * close the segment on the old calendar, open a new one on the new calendar.
   */
  reschedule(at: Date, oldCalendar: BusinessTime, newCalendar: BusinessTime): void {
    if (this.s.etat !== 'running') {
      return;
    }
    this.s.consommeMinutes = this.consumed(at, oldCalendar);
    this.s.segmentDepuis = at;
    this.s.generation++;
    this.schedule(newCalendar);
  }

  /**
   * The awaited step happened. A breached clock is met late; a met or cancelled one is left
   * alone. A running clock met after its due time whose breach timer has not fired yet (its
   * events applied late, its timer lost with Redis) is met late too: it is marked breached as of
   * its due time, so it never counts as on time (no breach notice: the step is done).
   */
  meet(at: Date, calendar: BusinessTime): boolean {
    if (this.s.etat === 'met' || this.s.etat === 'cancelled') return false;
    if (this.s.etat === 'running' && !this.s.depasseeA && this.s.echeance && this.s.echeance.getTime() < at.getTime()) this.s.depasseeA = this.s.echeance;
    this.s.consommeMinutes = this.consumed(at, calendar);
    this.s.segmentDepuis = null;
    this.s.atteinteA = at;
    this.s.etat = 'met';
    this.s.generation++;
    return true;
  }

  cancel(): boolean {
    if (this.s.etat === 'met' || this.s.etat === 'cancelled') return false;
    this.s.etat = 'cancelled';
    this.s.segmentDepuis = null;
    this.s.generation++;
    return true;
  }

  /** The due timer fired for this generation: the clock is breached (it keeps counting). */
  breach(at: Date, generation: number): boolean {
    if (this.s.etat !== 'running' || generation !== this.s.generation) return false;
    this.s.etat = 'breached';
    this.s.depasseeA = at;
    return true;
  }

  /**
   * The warning timer fired for this generation. A clock breached in this same generation still
   * takes it: the warning was due before the breach (by construction) and came late, after it
   * (PostgreSQL away when both were due, the breach's retry went through first). It is given
   * once, late, rather than never. So does a clock started late (its event applied after its
   * due time), which arms both timers at once. A clock met or cancelled since has moved on
   * (generation).
   */
  warn(at: Date, generation: number): boolean {
    if (generation !== this.s.generation || this.s.avertieA) return false;
    if (this.s.etat !== 'running' && !(this.s.etat === 'breached' && this.s.avertissementA)) return false;
    this.s.avertieA = at;
    return true;
  }

  private schedule(calendar: BusinessTime): void {
    const from = this.s.segmentDepuis!;
    const left = Math.max(0, this.s.cibleMinutes - this.s.consommeMinutes);
    this.s.echeance = calendar.addBusinessMinutes(from, left);
    const warnAfter = (this.s.cibleMinutes * this.s.seuilPct) / 100 - this.s.consommeMinutes;
    this.s.avertissementA = this.s.avertieA || warnAfter <= 0 ? null : calendar.addBusinessMinutes(from, warnAfter);
  }
}
