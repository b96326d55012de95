import { dureeConservation } from './duree';

describe('dureeConservation', () => {
  it('says whole years in words and anything else in months', () => {
    expect(dureeConservation(12)).toBe('un an');
    expect(dureeConservation(24)).toBe('2 ans');
    expect(dureeConservation(18)).toBe('18 mois');
    expect(dureeConservation(6)).toBe('6 mois');
  });
});
