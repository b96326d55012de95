import { BORNES_MINUTES, classeDe, NB_CLASSES, quantile } from './histogram';

describe('duration classes', () => {
  it('puts each duration in the class [previous bound, bound), the last one open-ended', () => {
    expect(classeDe(0)).toBe(0);
    expect(classeDe(14.99)).toBe(0);
    expect(classeDe(15)).toBe(1);
    expect(classeDe(479)).toBe(9);
    expect(classeDe(480)).toBe(10);
    expect(classeDe(14_400)).toBe(NB_CLASSES - 1);
    expect(classeDe(1e9)).toBe(NB_CLASSES - 1);
    expect(BORNES_MINUTES.every((b, i) => i === 0 || b > BORNES_MINUTES[i - 1])).toBe(true);
  });

  const counts = (durations: number[]) => {
    const c = Array(NB_CLASSES).fill(0);
    for (const d of durations) c[classeDe(d)]++;
    return c;
  };

  it('interpolates inside the class holding the rank', () => {
    // 15, 30, 60, 60, 60, 480: rank 3 of 6 is the first of the three in [60, 90) → 60 + 1/3 × 30.
    expect(quantile(counts([15, 30, 60, 60, 60, 480]), 0.5, 480)).toBeCloseTo(70, 10);
    // A single value: the quantile stays within its class, bounded by the largest duration seen.
    expect(quantile(counts([480]), 0.9, 480)).toBe(480);
    // In the open-ended class [14400, largest seen]: half-way for the median.
    expect(quantile(counts([20_000]), 0.5, 20_000)).toBe(17_200);
    expect(quantile(counts([]), 0.5, 0)).toBeNull();
  });

  it('never strays from the class of the exact quantile, whatever the durations', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 200; run++) {
      const durations = Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * random() * 20_000));
      const sorted = [...durations].sort((a, b) => a - b);
      for (const q of [0.5, 0.9]) {
        const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
        const estimate = quantile(counts(durations), q, sorted[sorted.length - 1])!;
        const k = classeDe(exact);
        const low = k === 0 ? 0 : BORNES_MINUTES[k - 1];
        const high = k < BORNES_MINUTES.length ? BORNES_MINUTES[k] : sorted[sorted.length - 1];
        expect(estimate).toBeGreaterThanOrEqual(low);
        expect(estimate).toBeLessThanOrEqual(high);
      }
    }
  });
});
