/**
 * Durations in business minutes, counted in fixed classes so that a day's counts add up across
 * days and units: the dashboard's median and p90 come from the merged counts (as Prometheus
 * histograms do), exact to the class. Classes are narrow where most answers fall (under a
 * working day) and widen after.
 */
export const BORNES_MINUTES = [15, 30, 60, 90, 120, 180, 240, 300, 360, 480, 720, 960, 1440, 1920, 2400, 3360, 4800, 7200, 9600, 14400] as const;

/** One class per bound, plus the last one, open-ended. */
export const NB_CLASSES = BORNES_MINUTES.length + 1;

/** The column names of the classes in tdb_sla_jour: h00 … h20. */
export const COLONNES_CLASSES = Array.from({ length: NB_CLASSES }, (_, i) => `h${String(i).padStart(2, '0')}`);

/** The class of a duration: [0, 15) → 0, [15, 30) → 1, …, [14400, ∞) → 20. */
export function classeDe(minutes: number): number {
  const i = BORNES_MINUTES.findIndex((b) => minutes < b);
  return i === -1 ? BORNES_MINUTES.length : i;
}

/**
 * The q-quantile (0 < q < 1) of the durations counted in `classes`, by linear interpolation
 * inside its class; the open-ended last class is bounded by the largest duration seen. Null
 * when nothing was counted.
 */
export function quantile(classes: readonly number[], q: number, max: number): number | null {
  const total = classes.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rang = q * total;
  let cumul = 0;
  for (let i = 0; i < classes.length; i++) {
    const n = classes[i];
    if (n === 0 || cumul + n < rang) {
      cumul += n;
      continue;
    }
    const bas = i === 0 ? 0 : BORNES_MINUTES[i - 1];
    const haut = i < BORNES_MINUTES.length ? Math.min(BORNES_MINUTES[i], Math.max(max, bas)) : Math.max(max, bas);
    return bas + ((rang - cumul) / n) * (haut - bas);
  }
  return max;
}
