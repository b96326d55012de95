import { slugify } from './slugify';

describe('slugify', () => {
  it.each([
    ['Carcassonne', 'carcassonne'],
    ['Saint-Gaudens', 'saint-gaudens'],
    ['Alès', 'ales'],
    ['Nîmes', 'nimes'],
    ["Ec'Eau Tourisme", 'eceau-tourisme'],
    ['Ec’eau Tourisme', 'eceau-tourisme'],
    ["L'OCCAL", 'loccal'],
    ['Club Occitanie – Sport pour tous', 'club-occitanie-sport-pour-tous'],
    ['Appel à projets « tourisme durable, responsable et solidaire »', 'appel-a-projets-tourisme-durable-responsable-et-solidaire'],
    ['Dispositif de bourse de stage - ERASMUS +', 'dispositif-de-bourse-de-stage-erasmus'],
    ['Cœur de ville', 'coeur-de-ville'],
    ['  Écoles Régionales  ', 'ecoles-regionales'],
  ])('%s → %s', (label, code) => {
    expect(slugify(label)).toBe(code);
  });

  it('refuses a label with nothing to keep rather than inventing a code', () => {
    expect(() => slugify('+ = ')).toThrow(/explicit/);
  });

  it('is idempotent: a code slugifies to itself', () => {
    expect(slugify('eceau-tourisme')).toBe('eceau-tourisme');
  });
});
