import { DomainError } from '../errors/domain-error';
import { assertValidIdempotencyKey } from './idempotency';

describe('assertValidIdempotencyKey', () => {
  it.each(['a', '5d0c7f0e-3b7e-4f5e-9d7a-2f1d3c4b5a69', 'x'.repeat(200), 'retry #2 / POST ~ok!'])('accepts %j', (key) => {
    expect(() => assertValidIdempotencyKey(key)).not.toThrow();
  });

  it.each(['', 'x'.repeat(201), 'clé', 'tab\there', 'line\nbreak', '\u007f'])('refuses %j with a field error on the header', (key) => {
    let error: unknown;
    try {
      assertValidIdempotencyKey(key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('invalid_input');
    expect((error as DomainError).details.errors).toEqual([{ field: 'Idempotency-Key', message: expect.stringContaining('200 caractères') }]);
  });
});
