import { nextRetryDelay, parseRetrySchedule, webhookJobId } from './webhook.retry';

describe('webhook retry schedule', () => {
  it('reads durations with their units', () => {
    expect(parseRetrySchedule('5s, 5m,30m,2h ,250ms')).toEqual([5000, 300_000, 1_800_000, 7_200_000, 250]);
    expect(() => parseRetrySchedule('5s,soon')).toThrow(/soon/);
  });

  it('the default schedule spans about 24 hours', () => {
    const total = parseRetrySchedule('5s,5m,30m,2h,5h,10h,6h').reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(23 * 3_600_000);
    expect(total).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('waits the n-th delay after the n-th failure, then gives up at the last attempt', () => {
    const schedule = [10, 20, 30];
    expect(nextRetryDelay(schedule, 1, 4)).toBe(10);
    expect(nextRetryDelay(schedule, 3, 4)).toBe(30);
    expect(nextRetryDelay(schedule, 4, 4)).toBeNull();
    // A replay allows one attempt past those already made.
    expect(nextRetryDelay(schedule, 5, 5)).toBeNull();
  });

  it('job ids are deterministic per attempt and BullMQ-safe', () => {
    const id = webhookJobId('0b6c0e9e-0000-4000-8000-000000000001', 3);
    expect(id).toBe('webhook-0b6c0e9e-0000-4000-8000-000000000001-3');
    expect(id).not.toMatch(/:/);
  });
});
