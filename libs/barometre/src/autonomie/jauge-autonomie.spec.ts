import { ValidationFailedError } from '@app/core';
import { avecTendance, decalerMois, moisEntre, periodeMois } from './jauge-autonomie';
import { verifierNotes } from './enquete-autonomie';

describe('autonomy gauge: months and trend', () => {
  it('shifts months across years', () => {
    expect(decalerMois('2026-01', -1)).toBe('2025-12');
    expect(decalerMois('2026-12', 1)).toBe('2027-01');
    expect(decalerMois('2026-11', -24)).toBe('2024-11');
    expect(moisEntre('2026-11', '2027-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });

  it('reads mois, or du..au, and defaults to the current month', () => {
    expect(periodeMois({}, '2026-12-02')).toEqual({ du: '2026-12', au: '2026-12' });
    expect(periodeMois({ mois: '2026-11' }, '2026-12-02')).toEqual({ du: '2026-11', au: '2026-11' });
    expect(periodeMois({ au: '2026-11' }, '2026-12-02')).toEqual({ du: '2026-11', au: '2026-11' });
    expect(periodeMois({ du: '2025-12', au: '2027-11' }, '2026-12-02')).toEqual({ du: '2025-12', au: '2027-11' });
    const field = (p: Parameters<typeof periodeMois>[0]) => {
      try {
        periodeMois(p, '2026-12-02');
        return null;
      } catch (e) {
        return (e as ValidationFailedError).details.errors?.[0].field;
      }
    };
    expect(field({ du: '2025-11', au: '2027-11' })).toBe('au');
    expect(field({ du: '2026-11', au: '2026-10' })).toBe('du');
    expect(field({ mois: '2026-1' })).toBe('mois');
  });

  it('the trend is the difference of the rates in points, null when one is missing', () => {
    expect(avecTendance({ reponduesLocalement: 4, escaladees: 3, escaladeesAvecReponsePubliee: 2 }, { reponduesLocalement: 1, escaladees: 1, escaladeesAvecReponsePubliee: 0 })).toEqual({
      reponduesLocalement: 4,
      escaladees: 3,
      escaladeesAvecReponsePubliee: 2,
      tauxAutonomiePct: 57.1,
      tauxAutonomiePrecedentPct: 50,
      tendancePts: 7.1,
    });
    expect(avecTendance({ reponduesLocalement: 0, escaladees: 2, escaladeesAvecReponsePubliee: 0 }, { reponduesLocalement: 0, escaladees: 0, escaladeesAvecReponsePubliee: 0 })).toMatchObject({
      tauxAutonomiePct: 0,
      tauxAutonomiePrecedentPct: null,
      tendancePts: null,
    });
  });
});

describe('autonomy survey: the ratings', () => {
  const all = ['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers'].map((domaine) => ({ domaine, actuelle: 3, souhaitee: 4 })) as never[];
  it('accepts every area once, in any order', () => {
    expect(() => verifierNotes([...all].reverse())).not.toThrow();
  });
  it('names a duplicate and the missing areas', () => {
    try {
      verifierNotes([all[0], all[0], all[2], all[3], all[4]]);
      throw new Error('accepted');
    } catch (e) {
      expect((e as ValidationFailedError).details.errors).toEqual([
        { field: 'notes.1.domaine', message: 'Le domaine « communication » est noté deux fois.' },
        { field: 'notes', message: 'Chaque domaine doit être noté : il manque evenements.' },
      ]);
    }
  });
});
