import { decaler } from './dates';
import { niveauxDe, periodeDe, semainesDe } from './periode';

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

  it('reads whole months from the monthly level and only the edge days from the daily one', () => {
    // Twelve months ending today: the first and last months are partial.
    const annee = niveauxDe({ du: '2025-12-08', au: '2026-12-07' });
    expect(annee.mois).toEqual({ du: '2026-01-01', au: '2026-11-01' });
    expect(annee.jours).toEqual([...Array.from({ length: 24 }, (_, i) => decaler('2025-12-08', i)), ...Array.from({ length: 7 }, (_, i) => decaler('2026-12-01', i))]);
    // Exactly whole months, across a year's edge and February.
    expect(niveauxDe({ du: '2025-12-01', au: '2026-02-28' })).toEqual({ jours: [], mois: { du: '2025-12-01', au: '2026-02-01' } });
    // Four weeks inside two months: no whole month, every day from the daily level.
    expect(niveauxDe({ du: '2026-10-29', au: '2026-11-25' })).toEqual({ jours: Array.from({ length: 28 }, (_, i) => decaler('2026-10-29', i)), mois: null });
    // One whole month and a day on either side (leap year).
    expect(niveauxDe({ du: '2028-01-31', au: '2028-03-01' })).toEqual({ jours: ['2028-01-31', '2028-03-01'], mois: { du: '2028-02-01', au: '2028-02-01' } });
  });

  it('reads whole ISO weeks from the weekly level and the days of the partial ones from the daily one', () => {
    // Wednesday 29 October to Wednesday 25 November 2026: whole weeks from Monday 2 to Sunday 22 November.
    expect(semainesDe({ du: '2026-10-29', au: '2026-11-25' })).toEqual({
      jours: ['2026-10-29', '2026-10-30', '2026-10-31', '2026-11-01', '2026-11-23', '2026-11-24', '2026-11-25'],
      semaines: { du: '2026-11-02', au: '2026-11-16' },
    });
    // Monday to Sunday across a year's edge: one whole week, no day.
    expect(semainesDe({ du: '2025-12-29', au: '2026-01-04' })).toEqual({ jours: [], semaines: { du: '2025-12-29', au: '2025-12-29' } });
    // Inside one week: days only.
    expect(semainesDe({ du: '2026-11-24', au: '2026-11-26' })).toEqual({ jours: ['2026-11-24', '2026-11-25', '2026-11-26'], semaines: null });
  });
});
