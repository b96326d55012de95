import { ValidationFailedError } from '../errors/domain-error';

/** A page of a list, as every list endpoint answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** Keyset cursor: the sort key of the last item, opaque to clients (base64url JSON). */
export interface KeysetCursor {
  /** The sort value (ISO timestamp) of the last item. */
  k: string | null;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Exactly what encodeCursor writes (Date#toISOString): a four-digit year, UTC. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The cursor a client sends back. Only what encodeCursor could have written is accepted: the
 * values go to SQL as ::uuid and ::timestamptz, and anything PostgreSQL would refuse (an id of
 * dashes, a year 275760, "1") must be a 400 naming `cursor`, not a database error.
 */
export function decodeCursor(raw: string | undefined): KeysetCursor | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > 500 || !/^[A-Za-z0-9_-]+$/.test(raw)) throw invalidCursor();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidCursor();
  const { k, id } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
  if (k !== null && !(typeof k === 'string' && ISO_INSTANT.test(k) && isRealInstant(k))) throw invalidCursor();
  return { k, id };
}

/** A real instant: 2026-02-30 or 25:00 would be moved by Date, so they do not survive the round trip. */
function isRealInstant(k: string): boolean {
  const time = Date.parse(k);
  return !Number.isNaN(time) && new Date(time).toISOString() === k;
}

function invalidCursor(): ValidationFailedError {
  return new ValidationFailedError([{ field: 'cursor', message: 'Curseur invalide : reprenez la valeur nextCursor de la page précédente.' }]);
}

/** Cuts the extra row fetched to know whether a next page exists. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => KeysetCursor): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}

/**
 * A page of a short list read whole (the directory, the SLA policies), in its own stable
 * order: the cursor names the last item given, the next page starts after it. Same contract
 * as the keyset lists: `?limit=&cursor=`, `nextCursor` null on the last page.
 */
export function pageOfList<T>(all: T[], idOf: (item: T) => string, query: { limit?: number; cursor?: string } = {}): Page<T> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.cursor);
  let start = 0;
  if (after) {
    const index = all.findIndex((item) => idOf(item) === after.id);
    // The item named has gone (deleted, or filtered out by other parameters): the cursor no longer applies.
    if (index < 0) throw invalidCursor();
    start = index + 1;
  }
  return toPage(all.slice(start, start + limit + 1), limit, (last) => ({ k: null, id: idOf(last) }));
}
