import type { components } from '../api/schema';
import { prochaineEcheance, slaEtat } from './sla';

type Horloge = components['schemas']['SlaHorlogeDto'];
const NOW = Date.parse('2026-12-07T10:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

function clock(overrides: Partial<Horloge>): Horloge {
  return {
    affectationId: null,
    atteinteA: null,
    avertissementA: at(60),
    cibleMinutesOuvrees: 480,
    cycle: 1,
    depasseeA: null,
    detenteurs: [],
    echeance: at(120),
    etat: 'running',
    horloge: 'prise_en_charge',
    livrableId: null,
    restantMinutesOuvrees: 120,
    ...overrides,
  };
}

describe('SLA state of a ticket, in words (web app badges)', () => {
  it('is null without a running or breached clock', () => {
    expect(slaEtat([], NOW)).toBeNull();
    expect(slaEtat([clock({ etat: 'met', atteinteA: at(-5) }), clock({ etat: 'paused', echeance: null })], NOW)).toBeNull();
  });

  it('is "dans les temps" before the warning, "à risque" from it, "dépassé" from the due time', () => {
    expect(slaEtat([clock({})], NOW)).toBe('dans_les_temps');
    expect(slaEtat([clock({ avertissementA: at(0) })], NOW)).toBe('a_risque');
    expect(slaEtat([clock({ avertissementA: at(-60), echeance: at(0) })], NOW)).toBe('depasse');
  });

  it('takes the worst clock, a breached one included', () => {
    expect(slaEtat([clock({}), clock({ avertissementA: at(-1) })], NOW)).toBe('a_risque');
    expect(slaEtat([clock({ avertissementA: at(-1) }), clock({ etat: 'breached', depasseeA: at(-10) })], NOW)).toBe('depasse');
  });

  it('sorts by the nearest running due date, tickets without one last', () => {
    expect(prochaineEcheance([clock({ echeance: at(30) }), clock({ echeance: at(10) }), clock({ etat: 'met', echeance: at(1) })])).toBe(NOW + 10 * 60_000);
    expect(prochaineEcheance([clock({ etat: 'paused', echeance: null })])).toBe(Number.POSITIVE_INFINITY);
  });
});
