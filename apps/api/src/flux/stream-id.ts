/** A Redis Stream id, `<ms>-<seq>`; anything else is not one (a forged or foreign Last-Event-ID). */
const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

export function isStreamId(value: string): boolean {
  return STREAM_ID.test(value);
}

/** Orders two stream ids (negative, zero, positive), as Redis does: by time, then sequence. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
