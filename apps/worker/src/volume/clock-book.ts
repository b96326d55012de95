import { BusinessTime, Holder, SANS_AFFECTATION, SlaClock } from '@app/sla';
import { Prng } from './prng';
import type { Politique, VolumeSetup } from './volume-setup';

type QuestionHorloge = 'prise_en_charge' | 'reponse' | 'relais';
type TimerType = 'avertissement' | 'depassement';

export interface SimDetention {
  id: string;
  holder: Holder;
  depuis: Date;
  jusquA: Date | null;
  minutes: number | null;
}

export interface SimClock {
  id: string;
  horloge: QuestionHorloge;
  cycle: number;
  clock: SlaClock;
  politique: Politique;
  calendrierId: string;
  demarreeA: Date;
  version: number;
  detentions: SimDetention[];
}

export interface SimFire {
  horlogeId: string;
  generation: number;
  type: TimerType;
  at: Date;
  retardMs: number;
}

/** A timer that fired: what the timeline records (SlaFirer's event). */
export interface FiredEvent {
  type: 'sla.avertissement' | 'sla.depassement';
  at: Date;
  data: Record<string, unknown>;
}

const OPEN = new Set(['running', 'paused', 'breached']);

/**
 * One question's SLA clocks, kept in memory: the same operations as SlaEngine (start, meet,
 * pause, resume, cancel, change of holder) on the same SlaClock, each bumping the row version
 * as the engine's save does, and the timers SlaFirer would fire (warning, breach) with its
 * checks. What it ends with is what the engine and the timers would have left in sla_horloge,
 * sla_detention and sla_declenchement; test/volume replays the timelines through the real
 * consumer and compares.
 */
export class ClockBook {
  readonly clocks: SimClock[] = [];
  readonly fires: SimFire[] = [];

  constructor(
    private readonly setup: VolumeSetup,
    private readonly rng: Prng,
  ) {}

  /** SlaEngine.demarrer: unless a clock of that kind is open; the next cycle after a met or cancelled one. */
  demarrer(horloge: QuestionHorloge, at: Date, priorite: string, directionId: string | null, themeId: string | null, holder: Holder): void {
    const last = this.last(horloge);
    if (last && OPEN.has(last.clock.state.etat)) return;
    const politique = this.setup.politique(horloge, priorite, directionId, themeId);
    if (!politique) return;
    const calendar = this.setup.forHolder(holder);
    this.clocks.push({
      id: this.rng.uuid(),
      horloge,
      cycle: (last?.cycle ?? 0) + 1,
      clock: SlaClock.start(at, politique.cibleMinutes, politique.seuilPct, calendar.time),
      politique,
      calendrierId: calendar.id,
      demarreeA: at,
      version: 1,
      detentions: [{ id: this.rng.uuid(), holder, depuis: at, jusquA: null, minutes: null }],
    });
  }

  atteindre(horloge: QuestionHorloge, at: Date): void {
    this.onOpen([horloge], at, (c, time) => c.meet(at, time));
  }

  suspendre(horloges: QuestionHorloge[], at: Date): void {
    this.onOpen(horloges, at, (c, time) => c.state.etat === 'running' && (c.pause(at, time), true));
  }

  reprendre(horloges: QuestionHorloge[], at: Date): void {
    this.onOpen(horloges, at, (c, time) => c.state.etat === 'paused' && (c.resume(at, time), true));
  }

  annuler(horloges: QuestionHorloge[], at: Date): void {
    this.onOpen(horloges, at, (c) => c.cancel());
  }

  /** SlaEngine.changerDetenteur: every open clock is re-planned on the new holder's calendar and its holder time split. */
  changerDetenteur(holder: Holder, at: Date): void {
    const nouveau = this.setup.forHolder(holder);
    for (const c of this.open(null)) {
      const ancien = this.setup.calendar(c.calendrierId);
      c.clock.reschedule(at, ancien.time, nouveau.time);
      this.closeDetention(c, at);
      c.detentions.push({ id: this.rng.uuid(), holder, depuis: at, jusquA: null, minutes: null });
      c.calendrierId = nouveau.id;
      c.version++;
    }
  }

  /**
   * The next timer SlaFirer would fire, among those due before `before` (exclusive) and at
   * `until` at the latest: the fire happens a little after the planned instant (queue latency),
   * and only if the clock is still in the state the timer was armed for.
   */
  fireDue(before: Date | null, until: Date): FiredEvent[] {
    const fired: FiredEvent[] = [];
    for (;;) {
      let next: { c: SimClock; type: TimerType; planned: Date } | null = null;
      for (const c of this.clocks) {
        const s = c.clock.state;
        if (s.etat !== 'running') continue;
        if (s.avertissementA && !s.avertieA && (!next || s.avertissementA < next.planned)) next = { c, type: 'avertissement', planned: s.avertissementA };
        if (s.echeance && (!next || s.echeance < next.planned)) next = { c, type: 'depassement', planned: s.echeance };
      }
      if (!next) return fired;
      const retardMs = 5 + this.rng.int(400);
      const at = new Date(next.planned.getTime() + retardMs);
      if ((before && at >= before) || at > until) return fired;
      const generation = next.c.clock.state.generation;
      const applied = next.type === 'depassement' ? next.c.clock.breach(at, generation) : next.c.clock.warn(at, generation);
      if (!applied) return fired;
      next.c.version++;
      this.fires.push({ horlogeId: next.c.id, generation, type: next.type, at, retardMs });
      fired.push({
        type: next.type === 'depassement' ? 'sla.depassement' : 'sla.avertissement',
        at,
        data: {
          horlogeId: next.c.id,
          horloge: next.c.horloge,
          cycle: next.c.cycle,
          affectationId: null,
          echeance: next.planned.toISOString(),
          retardMs,
        },
      });
    }
  }

  private onOpen(horloges: QuestionHorloge[], at: Date, op: (clock: SlaClock, time: BusinessTime) => boolean): void {
    for (const c of this.open(horloges)) {
      const calendar = this.setup.calendar(c.calendrierId);
      if (!op(c.clock, calendar.time)) continue;
      const etat = c.clock.state.etat;
      if (etat === 'met' || etat === 'cancelled') this.closeDetention(c, at);
      c.version++;
    }
  }

  /** Open clocks, in the engine's order (horloge, cycle). */
  private open(horloges: QuestionHorloge[] | null): SimClock[] {
    return this.clocks
      .filter((c) => OPEN.has(c.clock.state.etat) && (!horloges || horloges.includes(c.horloge)))
      .sort((a, b) => (a.horloge < b.horloge ? -1 : a.horloge > b.horloge ? 1 : a.cycle - b.cycle));
  }

  private last(horloge: QuestionHorloge): SimClock | undefined {
    let found: SimClock | undefined;
    for (const c of this.clocks) if (c.horloge === horloge && (!found || c.cycle > found.cycle)) found = c;
    return found;
  }

  private closeDetention(c: SimClock, at: Date): void {
    const time = this.setup.calendar(c.calendrierId).time;
    for (const d of c.detentions) {
      if (d.jusquA !== null) continue;
      d.jusquA = at;
      d.minutes = time.businessMinutesBetween(d.depuis, at);
    }
  }
}

export { SANS_AFFECTATION };
