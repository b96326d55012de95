import { FIRE_PRESSURE_BATCH, FIRE_QUIET_MS, FirePressure } from './fire-pressure';

describe('FirePressure', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const BURST = FIRE_PRESSURE_BATCH;

  it('is under pressure from the first batch of a burst until FIRE_QUIET_MS after the last one ends, and says so once per change', async () => {
    const pressure = new FirePressure();
    const changes: boolean[] = [];
    pressure.onChange((busy) => changes.push(busy));
    let endFirst!: () => void;
    const first = pressure.during(BURST, () => new Promise<void>((r) => (endFirst = r)));
    const second = pressure.during(BURST + 10, async () => 'fired');
    expect(pressure.underPressure).toBe(true);
    await expect(second).resolves.toBe('fired');
    // One batch still in flight: no quiet period starts.
    jest.advanceTimersByTime(FIRE_QUIET_MS * 4);
    expect(pressure.underPressure).toBe(true);
    endFirst();
    await first;
    jest.advanceTimersByTime(FIRE_QUIET_MS - 1);
    expect(pressure.underPressure).toBe(true);
    // A batch within the quiet period carries the pressure on, without a change.
    await pressure.during(BURST, async () => undefined);
    jest.advanceTimersByTime(FIRE_QUIET_MS - 1);
    expect(pressure.underPressure).toBe(true);
    jest.advanceTimersByTime(1);
    expect(pressure.underPressure).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('leaves a lone fire alone: no pressure, nothing said', async () => {
    const pressure = new FirePressure();
    const changes: boolean[] = [];
    pressure.onChange((busy) => changes.push(busy));
    let seen: boolean | null = null;
    await pressure.during(1, async () => (seen = pressure.underPressure));
    expect(seen).toBe(false);
    expect(changes).toEqual([]);
  });

  it('ends the pressure after a failed batch too, and passes its error on', async () => {
    const pressure = new FirePressure();
    await expect(pressure.during(BURST, () => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    jest.advanceTimersByTime(FIRE_QUIET_MS);
    expect(pressure.underPressure).toBe(false);
  });
});
