import { periodeDe } from './periode';

describe('dashboard period', () => {
  it('defaults to the last four weeks up to today, bounds included', () => {
    expect(periodeDe({}, '2026-11-25')).toEqual({ du: '2026-10-29', au: '2026-11-25' });
    expect(periodeDe({ au: '2026-03-31' }, '2026-11-25')).toEqual({ du: '2026-03-04', au: '2026-03-31' });
  });

  it('refuses a day that does not exist, a reversed period and one longer than two years, naming the field', () => {
    const field = (params: { du?: string; au?: string }) => {
      try {
        periodeDe(params, '2026-11-25');
        return null;
      } catch (e: any) {
        return e.details.errors[0].field;
      }
    };
    expect(field({ du: '2026-02-29' })).toBe('du');
    expect(field({ au: '2026-04-31' })).toBe('au');
    expect(field({ du: '2026-11-26', au: '2026-11-25' })).toBe('du');
    expect(field({ du: '2020-01-01', au: '2026-01-01' })).toBe('au');
    expect(field({ du: '2024-02-29', au: '2026-02-28' })).toBeNull();
  });
});
