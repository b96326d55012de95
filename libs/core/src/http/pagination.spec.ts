import { ValidationFailedError } from '../errors/domain-error';
import { decodeCursor, encodeCursor, pageOfList } from './pagination';

const items = Array.from({ length: 7 }, (_, k) => ({ id: `00000000-0000-4000-8000-00000000000${k}`, n: k }));
const idOf = (x: { id: string }) => x.id;

/** Every page from the first, following nextCursor. */
function walk(all: typeof items, limit: number): number[][] {
  const pages: number[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = pageOfList(all, idOf, { limit, cursor });
    pages.push(page.items.map((x) => x.n));
    if (!page.nextCursor) return pages;
    cursor = page.nextCursor;
  }
}

describe('pageOfList', () => {
  it('cuts a list in pages of `limit`, each item once, in order, the last page with a null cursor', () => {
    expect(walk(items, 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(walk(items, 7)).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    expect(walk(items, 50)).toEqual([[0, 1, 2, 3, 4, 5, 6]]);
    // An exact multiple: no empty page after the last full one.
    expect(walk(items.slice(0, 6), 3)).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(walk([], 3)).toEqual([[]]);
  });

  it('answers 50 items by default', () => {
    const many = Array.from({ length: 60 }, (_, k) => ({ id: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`, n: k }));
    const first = pageOfList(many, idOf);
    expect(first.items).toHaveLength(50);
    expect(pageOfList(many, idOf, { cursor: first.nextCursor! }).items.map((x) => x.n)).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it('refuses a cursor that is not one, or that names an item no longer in the list, naming the field', () => {
    for (const cursor of ['pas-un-curseur', encodeCursor({ k: null, id: '00000000-0000-4000-8000-999999999999' })]) {
      expect(() => pageOfList(items, idOf, { cursor })).toThrow(ValidationFailedError);
      try {
        pageOfList(items, idOf, { cursor });
      } catch (err) {
        expect((err as ValidationFailedError).details.errors).toEqual([{ field: 'cursor', message: expect.stringMatching(/^Curseur invalide/) }]);
      }
    }
  });
});

describe('decodeCursor', () => {
  const id = '00000000-0000-4000-8000-000000000001';
  const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('reads back what encodeCursor wrote', () => {
    for (const cursor of [{ k: '2026-12-02T09:00:00.000Z', id }, { k: null, id }]) expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(undefined)).toBeNull();
    expect(decodeCursor('')).toBeNull();
  });

  it.each([
    ['a sort key that is not an instant', { k: '1', id }],
    ['a number', { k: 5, id }],
    ['a year PostgreSQL cannot hold', { k: '+275760-09-13T00:00:00.000Z', id }],
    ['a day that does not exist', { k: '2026-02-30T00:00:00.000Z', id }],
    ['an id of dashes', { k: null, id: '-'.repeat(36) }],
    ['no id', { k: '2026-12-02T09:00:00.000Z' }],
    ['a list', [id]],
    ['null', null],
  ])('refuses %s, naming cursor', (_, value) => {
    expect(() => decodeCursor(forge(value))).toThrow(ValidationFailedError);
  });

  it('refuses text that is not base64url', () => {
    for (const raw of ['%%%', 'a b', 'é']) expect(() => decodeCursor(raw)).toThrow(ValidationFailedError);
  });
});
