import { compareStreamIds, isStreamId } from './stream-id';

describe('Redis Stream ids (Last-Event-ID)', () => {
  it('accepts <ms>-<seq> only', () => {
    expect(isStreamId('1765000000000-0')).toBe(true);
    expect(isStreamId('1765000000000-12')).toBe(true);
    for (const bad of ['', '-', '1765000000000', '1765000000000-', 'a-0', '1-0-0', ' 1-0', '1-0\n', '1'.repeat(17) + '-0']) expect(isStreamId(bad)).toBe(false);
  });

  it('orders by time, then by sequence, numerically (not as text)', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-10', '10-2')).toBeGreaterThan(0);
    expect(compareStreamIds('1765000000000-3', '1765000000000-3')).toBe(0);
  });
});
