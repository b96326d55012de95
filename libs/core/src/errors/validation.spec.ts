import { unsafeTextErrors } from './validation';

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
