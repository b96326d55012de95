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

export function decodeCursor(raw: string | undefined): KeysetCursor | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof value?.id === 'string' && /^[0-9a-f-]{36}$/i.test(value.id) && (value.k === null || !Number.isNaN(Date.parse(value.k)))) {
      return { k: value.k, id: value.id };
    }
  } catch {
    /* fall through */
  }
  throw new ValidationFailedError([{ field: 'cursor', message: 'Curseur invalide : reprenez la valeur nextCursor de la page précédente.' }]);
}

/** Cuts the extra row fetched to know whether a next page exists. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => KeysetCursor): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
