import { buildDemoDirectory } from './demo-directory';
import { OCCITANIE_REFERENCE } from './occitanie-reference';

describe('buildDemoDirectory', () => {
  const demo = buildDemoDirectory();
  const dispositif = (code: string) => demo.dispositifs.find((d) => d.code === code);

  it('has every maison of the reference plus Limoux, flagged as unconfirmed', () => {
    expect(demo.maisons).toHaveLength(OCCITANIE_REFERENCE.maisons.length + 1);
    expect(demo.maisons.map((m) => m.code)).toEqual(
      expect.arrayContaining(['carcassonne', 'foix', 'limoux', 'perpignan', 'mende', 'saint-gaudens', 'ales', 'nimes']),
    );
    expect(demo.maisons.find((m) => m.code === 'limoux')).toMatchObject({ type: 'bureau_territorial', verifie: false });
    expect(demo.maisons.find((m) => m.code === 'limoux')?.note).toMatch(/démonstration/);
  });

  it('adds DITEE and the tourism direction as unconfirmed demo directions', () => {
    const codes = demo.directions.map((d) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['def', 'ditee', 'ditm', 'madeeli', 'tourisme', 'economie-innovation', 'sports']));
    for (const code of ['ditee', 'tourisme']) {
      expect(demo.directions.find((d) => d.code === code)).toMatchObject({ verifie: false, note: expect.stringMatching(/démonstration/) });
    }
  });

  it('gives every thème an owning direction', () => {
    expect(demo.themes).toHaveLength(12);
    const directionCodes = new Set(demo.directions.map((d) => d.code));
    for (const theme of demo.themes) expect(directionCodes.has(theme.directionCode)).toBe(true);
  });

  it('owns Ec’Eau Tourisme by the tourism direction, with water and lodging keywords', () => {
    expect(dispositif('eceau-tourisme')).toMatchObject({ nom: "Ec'Eau Tourisme", directionCode: 'tourisme', themeCode: 'TOURISME' });
    expect(dispositif('eceau-tourisme')?.motsCles).toEqual(
      expect.arrayContaining(['eau', "économies d'eau", 'hydro-économe', 'camping', 'hébergement touristique']),
    );
  });

  it('keeps the direction the source names over the thème’s', () => {
    expect(dispositif('club-occitanie-sport-pour-tous')?.directionCode).toBe('sports');
  });

  it('has every dispositif of the reference, each with keywords and at least one référent', () => {
    expect(demo.dispositifs).toHaveLength(OCCITANIE_REFERENCE.dispositifs.length);
    for (const d of demo.dispositifs) {
      expect(d.motsCles.length).toBeGreaterThanOrEqual(3);
      expect(demo.referents.some((r) => r.dispositifCodes.includes(d.code))).toBe(true);
    }
  });

  it('gives each référent a user of role referent in the same direction', () => {
    for (const referent of demo.referents) {
      const user = demo.users.find((u) => u.email === referent.email);
      expect(user).toMatchObject({ role: 'referent', perimetre: 'direction', directionCode: referent.directionCode, maisonCode: null });
    }
    expect(demo.referents.map((r) => r.email)).toEqual(
      expect.arrayContaining(['referent.tourisme@relais.demo', 'referent2.tourisme@relais.demo', 'referent.def@relais.demo']),
    );
  });

  it('has an agent and a responsable for every maison', () => {
    for (const maison of demo.maisons) {
      expect(demo.users.find((u) => u.email === `agent.${maison.code}@relais.demo`)).toMatchObject({ role: 'agent_mdr', maisonCode: maison.code });
      expect(demo.users.find((u) => u.email === `responsable.${maison.code}@relais.demo`)).toMatchObject({
        role: 'responsable_mdr',
        maisonCode: maison.code,
      });
    }
  });

  it('has the Cabinet, manager and admin accounts with their scope', () => {
    const user = (email: string) => demo.users.find((u) => u.email === email);
    expect(user('cabinet.conseiller@relais.demo')).toMatchObject({ role: 'cabinet', perimetre: 'reseau', fonction: 'Conseiller technique du Cabinet' });
    expect(user('manager.reseau@relais.demo')).toMatchObject({ role: 'manager', perimetre: 'reseau' });
    expect(user('manager.tourisme@relais.demo')).toMatchObject({ role: 'manager', perimetre: 'direction', directionCode: 'tourisme' });
    expect(user('manager.def@relais.demo')).toMatchObject({ role: 'manager', perimetre: 'direction', directionCode: 'def' });
    expect(user('manager.carcassonne@relais.demo')).toMatchObject({ role: 'manager', perimetre: 'maison', maisonCode: 'carcassonne' });
    expect(user('admin@relais.demo')).toMatchObject({ role: 'admin', perimetre: 'reseau' });
  });

  it('respects the users scope constraint and never repeats a name', () => {
    for (const u of demo.users) {
      const scope = u.perimetre === 'maison' ? [true, false] : u.perimetre === 'direction' ? [false, true] : [false, false];
      expect([u.maisonCode !== null, u.directionCode !== null]).toEqual(scope);
    }
    expect(new Set(demo.users.map((u) => u.displayName)).size).toBe(demo.users.length);
  });

  it('is deterministic', () => {
    expect(buildDemoDirectory()).toEqual(demo);
  });
});
