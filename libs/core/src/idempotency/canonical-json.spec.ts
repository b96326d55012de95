import fc from 'fast-check';
import { canonicalHash, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, whatever the insertion order', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } };
    const b = { a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order (arrays are sequences, not sets)', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('orders keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the text itself: a parsed object would list "1" first (integer-like keys come first in JS).
    const keys = [...canonicalJson(value).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    // 😀 (U+1F600) sorts before U+FB33 as UTF-16 (0xD83D…), though not as code points.
  });

  it('sorts integer-like keys as strings, not the way JavaScript enumerates them', () => {
    expect(canonicalJson({ '10': 'a', '9': 'b', '': 'c', x: 'd' })).toBe('{"":"c","10":"a","9":"b","x":"d"}');
  });

  it('writes numbers in their shortest round-trip form (1.50 → 1.5, 1e21 → 1e+21)', () => {
    expect(canonicalJson({ n: 1.5 })).toBe('{"n":1.5}');
    expect(canonicalJson(JSON.parse('{"n": 1.50}'))).toBe('{"n":1.5}');
    expect(canonicalJson([1e21, 1e30, 4.5, 2e-3, 0.000001, 1e-7, -0, 0.1 + 0.2, 2 ** 53 + 2])).toBe(
      '[1e+21,1e+30,4.5,0.002,0.000001,1e-7,0,0.30000000000000004,9007199254740994]',
    );
    // jsonb gives 1e21 back as 1000000000000000000000: same number once parsed.
    expect(canonicalJson(JSON.parse('{"n":1000000000000000000000}'))).toBe('{"n":1e+21}');
  });

  it('writes strings as JSON.stringify does: unicode literal, control characters escaped', () => {
    expect(canonicalJson('Occitanie – « été » 😀')).toBe('"Occitanie – « été » 😀"');
    expect(canonicalJson('a\n"b"\\\u0001')).toBe('"a\\n\\"b\\"\\\\\\u0001"');
    // Unicode is not normalised: é precomposed and e + combining accent are different texts.
    expect(canonicalJson('\u00e9')).not.toBe(canonicalJson('e\u0301'));
  });

  it('serialises a Date as its ISO string, so a value re-read from jsonb hashes the same', () => {
    const at = new Date('2026-11-25T09:30:00.123+01:00');
    expect(canonicalJson({ echeance: at })).toBe('{"echeance":"2026-11-25T08:30:00.123Z"}');
    expect(canonicalJson({ echeance: at })).toBe(canonicalJson(JSON.parse(JSON.stringify({ echeance: at }))));
  });

  it('follows JSON.stringify for undefined, functions, symbols, toJSON and boxed primitives', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: Symbol('x'), d: 1 })).toBe('{"d":1}');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
    expect(canonicalJson({ v: { toJSON: () => ({ y: 1, x: 2 }) } })).toBe('{"v":{"x":2,"y":1}}');
    expect(canonicalJson([new Number(2), new String('s'), new Boolean(false)])).toBe('[2,"s",false]');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/circular/);
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('keeps the meaning, ignores key order and survives a JSON round trip (property)', () => {
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reverseKeys((v as Record<string, unknown>)[k])]))
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe('canonicalHash', () => {
  it('is the hex SHA-256 of the canonical text, independent of key order', () => {
    // sha256('{"a":1,"b":2}')
    expect(canonicalHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
    expect(canonicalHash({ a: 1, b: 2 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
