import { describe, expect, it } from 'vitest';
import { formatHoraires } from './horaires';

describe('formatHoraires', () => {
  it('groups consecutive days with the same hours and leaves closed days out', () => {
    const jour = [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:00' }];
    expect(formatHoraires({ 1: jour, 2: jour, 3: jour, 4: jour, 5: [{ start: '09:00', end: '12:00' }], 6: [], 7: [] })).toBe(
      'lun.–jeu. 9:00–12:00, 13:30–17:00 ; ven. 9:00–12:00',
    );
  });

  it('says closed when no day opens', () => {
    expect(formatHoraires({})).toBe('Fermé');
  });
});
