import { comptesVides, Comptes, meteoDuMois, scoreMoyen, tendance } from './meteo-du-mois';

const c = (p: Partial<Comptes>): Comptes => ({ ...comptesVides(), ...p });

describe('the weather of the month', () => {
  it('is null without entry', () => {
    expect(meteoDuMois(comptesVides())).toBeNull();
    expect(scoreMoyen(comptesVides())).toBeNull();
  });

  it('is the weather of a single kind of entry', () => {
    expect(meteoDuMois(c({ orage: 3 }))).toBe('orage');
    expect(meteoDuMois(c({ soleil: 7 }))).toBe('soleil');
  });

  it('rounds the mean score to the nearest weather', () => {
    // (1*3 + 4*1) / 4 = 1.75 → soleil_voile
    expect(meteoDuMois(c({ soleil: 3, pluie: 1 }))).toBe('soleil_voile');
    // (1*4 + 3*1) / 5 = 1.4 → soleil
    expect(meteoDuMois(c({ soleil: 4, nuageux: 1 }))).toBe('soleil');
    expect(scoreMoyen(c({ soleil: 4, nuageux: 1 }))).toBe(1.4);
  });

  it('goes to the worse weather on a tie', () => {
    // soleil + orage: 3 exactly → nuageux; soleil_voile + nuageux: 2.5 → nuageux
    expect(meteoDuMois(c({ soleil: 1, orage: 1 }))).toBe('nuageux');
    expect(meteoDuMois(c({ soleil_voile: 1, nuageux: 1 }))).toBe('nuageux');
    // 4.5 → orage
    expect(meteoDuMois(c({ pluie: 2, orage: 2 }))).toBe('orage');
    // 1.5 with thirds that are not exact in binary: (1*3 + 2*3) / 6 = 1.5 → soleil_voile
    expect(meteoDuMois(c({ soleil: 3, soleil_voile: 3 }))).toBe('soleil_voile');
  });

  it('compares months by their mean score', () => {
    expect(tendance(c({ soleil: 1 }), c({ pluie: 1 }))).toBe('amelioration');
    expect(tendance(c({ orage: 1 }), c({ pluie: 1 }))).toBe('degradation');
    expect(tendance(c({ soleil: 1, orage: 1 }), c({ nuageux: 5 }))).toBe('stable');
    expect(tendance(c({ soleil: 1 }), comptesVides())).toBeNull();
  });
});
