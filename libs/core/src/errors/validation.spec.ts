import { createValidationPipe, flattenValidationErrors, unsafeTextErrors } from './validation';

describe('unsafeTextErrors', () => {
  it('names every string holding a NUL or a lone surrogate, at any depth, keys included', () => {
    const fields = unsafeTextErrors({
      objet: 'a\u0000b',
      usager: { nom: 'x\ud800', organisation: 'ok' },
      contacts: [{ nom: 'fine' }, { role: '\udc00y' }],
      ['k\u0000']: 'v',
    }).map((e) => e.field);
    expect(fields.sort()).toEqual(['contacts.1.role', 'k\ufffd', 'objet', 'usager.nom'].sort());
  });

  it('accepts well-formed text, emoji (surrogate pairs) included, and non-text values', () => {
    expect(unsafeTextErrors({ a: 'Élodie 👋 « ok »', b: 1, c: null, d: [true, { e: 'f' }] })).toEqual([]);
  });

  it('prefixes the parameter a value came from', () => {
    expect(unsafeTextErrors('a\u0000', 'q')).toEqual([{ field: 'q', message: expect.stringMatching(/caractère/) }]);
  });
});

describe('createValidationPipe', () => {
  class Dto {}

  it('says in French that a field is not expected, whatever its name (empty, with spaces)', async () => {
    const error = await createValidationPipe()
      .transform({ '': 1, 'a b': 2 }, { type: 'body', metatype: Dto })
      .catch((e) => e);
    expect(error.details.errors).toEqual([
      { field: '', message: 'Le champ «  » n’est pas attendu.' },
      { field: 'a b', message: 'Le champ « a b » n’est pas attendu.' },
    ]);
  });

  it('refuses unsafe text before validating, naming the parameter', async () => {
    const error = await createValidationPipe()
      .transform({ q: 'eau\u0000' }, { type: 'query', metatype: Dto })
      .catch((e) => e);
    expect(error.details.errors).toEqual([{ field: 'q', message: expect.stringMatching(/caractère/) }]);
  });
});

describe('flattenValidationErrors', () => {
  it('never passes an English default message on', () => {
    const errors = flattenValidationErrors([
      { property: 'liste', constraints: { arrayMaxSize: 'liste must contain no more than 50 elements' }, children: [] },
      { property: 'autre', constraints: { x: 'autre must be something nobody translated' }, children: [] },
    ] as never);
    expect(errors).toEqual([
      { field: 'liste', message: 'ne doit pas contenir plus de 50 éléments.' },
      { field: 'autre', message: 'valeur invalide.' },
    ]);
  });
});

describe('a validator that throws', () => {
  it('is a 400 on the field of the request it read, not a 500', async () => {
    const { ValidateBy } = jest.requireActual('class-validator');
    class Dto {
      @ValidateBy({ name: 'boom', validator: { validate: () => { throw new TypeError('boom'); } } })
      x: unknown;
    }
    const error = await createValidationPipe()
      .transform({ x: 1 }, { type: 'body', metatype: Dto })
      .catch((e) => e);
    expect(error.details.errors).toEqual([{ field: 'corps', message: 'valeur invalide.' }]);
  });
});
