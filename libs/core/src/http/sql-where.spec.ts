import { SqlWhere } from './sql-where';

describe('SqlWhere', () => {
  it('numbers placeholders after the initial parameters and skips absent filters', () => {
    const where = new SqlWhere(['dir'])
      .raw('q.x IS NULL')
      .when('recue', (p) => `q.statut = ${p}`)
      .when(undefined, (p) => `q.maison_id = ${p}`)
      .when('', (p) => `q.a = ${p}`)
      .when([], (p) => `q.b = ANY(${p})`)
      .when(['a'], (p) => `q.c = ANY(${p})`);
    expect(where.sql).toBe('q.x IS NULL AND q.statut = $2 AND q.c = ANY($3)');
    expect(where.params).toEqual(['dir', 'recue', ['a']]);
    expect(where.param(51)).toBe('$4');
  });

  it('is TRUE without conditions', () => {
    expect(new SqlWhere().sql).toBe('TRUE');
  });
});
