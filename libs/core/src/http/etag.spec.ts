import { DomainError } from '../errors/domain-error';
import { etagOf, parseIfMatch, requireIfMatch } from './etag';
import { decodeCursor, encodeCursor, toPage } from './pagination';

describe('If-Match and ETag', () => {
  it('round-trips a version', () => {
    expect(parseIfMatch(etagOf(7))).toBe(7);
    expect(parseIfMatch('W/"12"')).toBe(12);
    expect(parseIfMatch('4')).toBe(4);
  });
  it('treats absent and * as any version', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toBeUndefined();
  });
  it('refuses garbage naming the header', () => {
    try {
      parseIfMatch('"abc"');
      fail('should throw');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).details.errors![0].field).toBe('If-Match');
    }
  });
});

describe('required If-Match', () => {
  it('returns the version, and refuses absent, empty or * with a 428 naming the header', () => {
    expect(requireIfMatch('"5"')).toBe(5);
    for (const header of [undefined, '', '  ', '*']) {
      try {
        requireIfMatch(header);
        fail(`should throw for ${JSON.stringify(header)}`);
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).kind).toBe('precondition_required');
        expect((err as DomainError).details.errors![0].field).toBe('If-Match');
      }
    }
    expect(() => requireIfMatch('"abc"')).toThrow(expect.objectContaining({ kind: 'invalid_input' }));
  });
});

describe('keyset cursor', () => {
  it('round-trips and refuses tampering', () => {
    const c = { k: '2026-11-25T10:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(undefined)).toBeNull();
    expect(() => decodeCursor('nope')).toThrow(DomainError);
    expect(() => decodeCursor(Buffer.from('{"k":"x","id":"y"}').toString('base64url'))).toThrow(DomainError);
  });
  it('cuts the look-ahead row', () => {
    const rows = [1, 2, 3].map((n) => ({ n, id: `00000000-0000-4000-8000-00000000000${n}` }));
    const page = toPage(rows, 2, (r) => ({ k: null, id: r.id }));
    expect(page.items).toHaveLength(2);
    expect(decodeCursor(page.nextCursor!)!.id).toBe(rows[1].id);
    expect(toPage(rows, 3, (r) => ({ k: null, id: r.id })).nextCursor).toBeNull();
  });
});
