/** "HH:mm" for an interval start: 00:00 … 23:59. */
export const START_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** "HH:mm" for an interval end: 00:00 … 23:59, or 24:00 so that a day can be open until midnight. */
export const END_TIME_PATTERN = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** Milliseconds since the start of the local day for a wall-clock "HH:mm" (assumed valid). */
export function wallClockMs(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours * MS_PER_HOUR + minutes * MS_PER_MINUTE;
}
