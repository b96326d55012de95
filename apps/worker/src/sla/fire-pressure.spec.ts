import { FIRE_QUIET_MS, FirePressure } from './fire-pressure';

describe('FirePressure', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is under pressure from the first fire until FIRE_QUIET_MS after the last one ends, and says so once per change', async () => {
    const pressure = new FirePressure();
    const changes: boolean[] = [];
    pressure.onChange((busy) => changes.push(busy));
    let endFirst!: () => void;
    const first = pressure.during(() => new Promise<void>((r) => (endFirst = r)));
    const second = pressure.during(async () => 'fired');
    expect(pressure.underPressure).toBe(true);
    await expect(second).resolves.toBe('fired');
    // One fire still in flight: no quiet period starts.
    jest.advanceTimersByTime(FIRE_QUIET_MS * 4);
    expect(pressure.underPressure).toBe(true);
    endFirst();
    await first;
    jest.advanceTimersByTime(FIRE_QUIET_MS - 1);
    expect(pressure.underPressure).toBe(true);
    // A fire within the quiet period carries the pressure on, without a change.
    await pressure.during(async () => undefined);
    jest.advanceTimersByTime(FIRE_QUIET_MS - 1);
    expect(pressure.underPressure).toBe(true);
    jest.advanceTimersByTime(1);
    expect(pressure.underPressure).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('ends the pressure after a failed fire too, and passes its error on', async () => {
    const pressure = new FirePressure();
    await expect(pressure.during(() => Promise.reject(new Error('connection lost')))).rejects.toThrow('connection lost');
    jest.advanceTimersByTime(FIRE_QUIET_MS);
    expect(pressure.underPressure).toBe(false);
  });
});
