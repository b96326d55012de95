import { BusinessTime, ClockTransitionError, SlaClock } from './sla-clock';

/** 24/7: business minutes are wall-clock minutes. */
const always: BusinessTime = {
  addBusinessMinutes: (start, minutes) => new Date(start.getTime() + minutes * 60_000),
  businessMinutesBetween: (a, b) => Math.max(0, Math.floor((b.getTime() - a.getTime()) / 60_000)),
};
/** A calendar that counts at half speed: proves resume and reschedule use the calendar given. */
const halfSpeed: BusinessTime = {
  addBusinessMinutes: (start, minutes) => new Date(start.getTime() + minutes * 120_000),
  businessMinutesBetween: (a, b) => Math.max(0, Math.floor((b.getTime() - a.getTime()) / 120_000)),
};

const t0 = new Date('2026-11-25T09:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe('SlaClock', () => {
  it('starts running with its due date and its warning at 75 %', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    expect(clock.state).toMatchObject({ etat: 'running', generation: 1, echeance: at(100), avertissementA: at(75) });
    expect(clock.remaining(at(30), always)).toBe(70);
  });

  it('a pause keeps the consumed time; resuming moves the due date by the paused span', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    clock.pause(at(40), always);
    expect(clock.state).toMatchObject({ etat: 'paused', consommeMinutes: 40, echeance: null, generation: 2 });
    expect(clock.remaining(at(500), always)).toBe(60);
    clock.resume(at(1000), always);
    expect(clock.state).toMatchObject({ etat: 'running', generation: 3, echeance: at(1060), avertissementA: at(1035) });
  });

  it('a stale timer (older generation) neither breaches nor warns', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    clock.pause(at(10), always);
    clock.resume(at(20), always);
    expect(clock.breach(at(100), 1)).toBe(false);
    expect(clock.warn(at(75), 1)).toBe(false);
    expect(clock.breach(at(110), 3)).toBe(true);
    expect(clock.state).toMatchObject({ etat: 'breached', depasseeA: at(110) });
  });

  it('a warning that comes after the breach of its generation is still given, once; not after a meet', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    expect(clock.breach(at(101), 1)).toBe(true);
    expect(clock.warn(at(102), 1)).toBe(true);
    expect(clock.state).toMatchObject({ etat: 'breached', avertieA: at(102), depasseeA: at(101) });
    expect(clock.warn(at(103), 1)).toBe(false);

    const met = SlaClock.start(t0, 100, 75, always);
    met.breach(at(101), 1);
    met.meet(at(102), always);
    expect(met.warn(at(103), 1)).toBe(false);
  });

  it('a breached clock can still be met, late, and reports negative remaining time until then', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    clock.breach(at(100), 1);
    expect(clock.remaining(at(130), always)).toBe(-30);
    expect(clock.meet(at(130), always)).toBe(true);
    expect(clock.state).toMatchObject({ etat: 'met', consommeMinutes: 130, atteinteA: at(130) });
    expect(clock.remaining(at(200), always)).toBeNull();
  });

  it('met and cancelled are final', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    expect(clock.meet(at(10), always)).toBe(true);
    expect(clock.meet(at(20), always)).toBe(false);
    expect(clock.cancel()).toBe(false);
    expect(() => clock.pause(at(30), always)).toThrow(ClockTransitionError);
    const other = SlaClock.start(t0, 100, 75, always);
    expect(other.cancel()).toBe(true);
    expect(other.breach(at(100), other.state.generation)).toBe(false);
  });

  it('a change of holder closes the segment on the old calendar and plans the rest on the new one', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    clock.reschedule(at(40), always, halfSpeed);
    expect(clock.state.consommeMinutes).toBe(40);
    expect(clock.state.echeance).toEqual(at(40 + 60 * 2));
    expect(clock.state.generation).toBe(2);
  });

  it('plans the warning at the exact fraction of a fractional target (no rounding to whole minutes)', () => {
    const clock = SlaClock.start(t0, 0.04, 75, always);
    expect(clock.state.avertissementA).toEqual(new Date(t0.getTime() + 1800));
    expect(clock.state.echeance).toEqual(new Date(t0.getTime() + 2400));
  });

  it('warns once: a warning already given is not planned again after a resume', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    expect(clock.warn(at(75), 1)).toBe(true);
    expect(clock.warn(at(76), 1)).toBe(false);
    clock.pause(at(80), always);
    clock.resume(at(90), always);
    expect(clock.state.avertissementA).toBeNull();
    expect(clock.state.echeance).toEqual(at(110));
  });

  it('a clock started after its due time breaches and still warns, once, whichever timer fires first', () => {
    const late = new Date(t0.getTime() + 200 * 60_000);
    const clock = SlaClock.start(t0, 100, 75, always);
    expect(clock.state.echeance).toEqual(at(100));
    expect(clock.breach(late, 1)).toBe(true);
    expect(clock.warn(late, 1)).toBe(true);
    expect(clock.warn(late, 1)).toBe(false);
    expect(clock.state).toMatchObject({ etat: 'breached', depasseeA: late, avertieA: late });
    clock.meet(late, always);
    expect(clock.warn(late, clock.state.generation)).toBe(false);
  });

  it('a running clock met after its due time, before its breach fired, is met late (breached as of its due time)', () => {
    const late = SlaClock.start(t0, 100, 75, always);
    expect(late.meet(at(130), always)).toBe(true);
    expect(late.state).toMatchObject({ etat: 'met', depasseeA: at(100), atteinteA: at(130) });
    const onTime = SlaClock.start(t0, 100, 75, always);
    onTime.meet(at(100), always);
    expect(onTime.state.depasseeA).toBeNull(); // met at its due time: on time
    const fired = SlaClock.start(t0, 100, 75, always);
    fired.breach(at(100.1), 1);
    fired.meet(at(130), always);
    expect(fired.state.depasseeA).toEqual(at(100.1)); // the fire's time stays
  });

  it('resuming past the warning threshold plans no warning, only the due date', () => {
    const clock = SlaClock.start(t0, 100, 75, always);
    clock.pause(at(80), always);
    clock.resume(at(85), always);
    expect(clock.state.avertissementA).toBeNull();
    expect(clock.state.echeance).toEqual(at(105));
  });
});
