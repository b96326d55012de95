import { stdSerializers } from 'pino';
import { QueryFailedError } from 'typeorm';
import { maskSql, safeError } from './safe-error';

describe('safeError', () => {
  const driverError = Object.assign(new Error('invalid input syntax for type uuid: "Mireille Sancho"'), {
    code: '22P02',
    detail: 'Failing row contains (Mireille Sancho, mireille@exemple.fr, 04 99 87 65 43).',
    table: 'question_usager',
    constraint: 'chk_x',
  });
  const failed = new QueryFailedError('INSERT INTO question_usager (nom) VALUES ($1)', ['Mireille Sancho', 'mireille@exemple.fr'], driverError);

  it.each([
    ['the error itself', failed],
    ['pino’s standard serialization of it (what pino-http hands over)', stdSerializers.err(failed)],
  ])('keeps the code, table and constraint of %s, and none of its values', (_label, input) => {
    const out = safeError(input) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const value of ['Mireille', 'mireille@exemple.fr', '04 99 87']) expect(text).not.toContain(value);
    expect(out).toMatchObject({ type: 'QueryFailedError', code: '22P02', table: 'question_usager', constraint: 'chk_x' });
    expect(out.message).toBe('invalid input syntax for type uuid: "[masqué]"');
    expect(out.query).toBe('INSERT INTO question_usager (nom) VALUES ($1)');
    expect(Object.keys(out)).not.toEqual(expect.arrayContaining(['parameters']));
  });

  it('keeps its type when pino serializes the safe record again', () => {
    expect(stdSerializers.err(safeError(failed) as never)).toMatchObject({ type: 'QueryFailedError' });
  });

  it('masks a unique violation’s key values and SQL string literals', () => {
    const unique = Object.assign(new Error('duplicate key value violates unique constraint "uq_email"'), { code: '23505', detail: 'Key (email)=(a@b.fr) already exists.' });
    expect(JSON.stringify(safeError(unique))).not.toContain('a@b.fr');
    expect(maskSql("SELECT 1 FROM users WHERE email = 'a@b.fr'")).toBe("SELECT 1 FROM users WHERE email = '[masqué]'");
  });

  it('leaves ordinary errors readable', () => {
    expect(safeError(new TypeError('x is not a function'))).toMatchObject({ type: 'TypeError', message: 'x is not a function' });
  });
});
