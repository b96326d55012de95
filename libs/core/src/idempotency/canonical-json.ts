import { createHash } from 'node:crypto';

/**
 * Canonical JSON, following the rules of RFC 8785 (JSON Canonicalization Scheme): object keys
 * sorted by UTF-16 code units, no whitespace, strings and numbers written the way
 * `JSON.stringify` writes them (ECMAScript's shortest round-trip form for numbers).
 *
 * Why: two things hash JSON values and must get the same digest for the same meaning.
 * - The timeline chain hashes an event's `data` when it is written, and again after the value
 *   has been stored as jsonb and read back. jsonb reorders keys (by length, then bytes) and
 *   rewrites numbers in its own notation (`1e21` comes back as `1000000000000000000000`); once
 *   parsed back to JavaScript numbers and re-serialised here, both sides agree.
 * - Idempotency keys compare request bodies whose key order depends on the client.
 *
 * Everything else follows `JSON.stringify`, so the digest covers exactly what PostgreSQL
 * stores: `toJSON()` is honoured (a Date becomes its ISO string, as it will be when re-read),
 * `undefined`, functions and symbols are dropped from objects and become `null` in arrays.
 * Two differences, both deliberate: NaN and ±Infinity throw (JSON.stringify would silently
 * store `null`, so the stored value would not be the one the caller meant), and so do cycles
 * and BigInts.
 */
export function canonicalJson(value: unknown): string {
  const text = serialise('', value, []);
  if (text === undefined) throw new TypeError('canonicalJson: this value has no JSON representation.');
  return text;
}

/** SHA-256, hex-encoded, of the canonical JSON of `value` (UTF-8). */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function serialise(key: string, input: unknown, ancestors: object[]): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  // Boxed primitives serialise as their primitive value, as in JSON.stringify.
  if (value instanceof Number) value = Number(value);
  else if (value instanceof String) value = String(value);
  else if (value instanceof Boolean) value = value.valueOf();

  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} (at « ${key} ») is not a JSON number.`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError(`canonicalJson: BigInt (at « ${key} ») has no JSON representation.`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';

  const object = value as object;
  if (ancestors.includes(object)) throw new TypeError(`canonicalJson: circular structure (at « ${key} »).`);
  ancestors.push(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item, index) => serialise(String(index), item, ancestors) ?? 'null').join(',')}]`;
    }
    const members: string[] = [];
    // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 requires.
    for (const name of Object.keys(object).sort()) {
      const member = serialise(name, (object as Record<string, unknown>)[name], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(name)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.pop();
  }
}
