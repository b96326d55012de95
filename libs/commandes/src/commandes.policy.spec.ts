import { ConfigError, loadConfig } from '@app/core';
import { PolitiqueCommandes } from './commandes.policy';

describe('the commande policy', () => {
  it('defaults to 5 siège business days of minimum lead time', () => {
    const politique = new PolitiqueCommandes(loadConfig({}));
    expect(politique.delaiMinimumJoursOuvres).toBe(5);
    // Wednesday 2 → Wednesday 9 December 2026: 5 business days at the siège.
    expect(politique.calendrier.businessDaysBetween(new Date('2026-12-02T10:00:00+01:00'), new Date('2026-12-09T17:00:00+01:00'))).toBe(5);
  });

  it('reads COMMANDE_DELAI_MINIMUM_JOURS_OUVRES, and refuses a value that is not a number of days', () => {
    expect(new PolitiqueCommandes(loadConfig({ COMMANDE_DELAI_MINIMUM_JOURS_OUVRES: '10' })).delaiMinimumJoursOuvres).toBe(10);
    expect(new PolitiqueCommandes(loadConfig({ COMMANDE_DELAI_MINIMUM_JOURS_OUVRES: '0' })).delaiMinimumJoursOuvres).toBe(0);
    for (const value of ['cinq', '-1', '2.5', '61']) {
      expect(() => loadConfig({ COMMANDE_DELAI_MINIMUM_JOURS_OUVRES: value })).toThrow(ConfigError);
    }
    try {
      loadConfig({ COMMANDE_DELAI_MINIMUM_JOURS_OUVRES: 'cinq' });
    } catch (err) {
      expect((err as ConfigError).variable).toBe('COMMANDE_DELAI_MINIMUM_JOURS_OUVRES');
    }
  });
});
