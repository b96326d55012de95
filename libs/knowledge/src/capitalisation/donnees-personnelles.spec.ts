import { donneesPersonnellesCitees, masquerUsager } from './donnees-personnelles';

const usager = { nom: 'Bernard Casals', email: 'b.casals@exemple.fr', telephone: '04 68 11 22 33' };

describe('personal data in a published or suggested text', () => {
  it('finds a word of the name, accents and case ignored, as a whole word only', () => {
    expect(donneesPersonnellesCitees('M. CASALS demande une aide', usager)).toEqual(['nom']);
    expect(donneesPersonnellesCitees('Question de Bérnard sur l’eau', usager)).toEqual(['nom']);
    expect(donneesPersonnellesCitees('Les casalsiens et le bernardin', usager)).toEqual([]);
    expect(donneesPersonnellesCitees('Un camping peut-il financer une récupération d’eau ?', usager)).toEqual([]);
  });

  it('finds the e-mail and the phone however it is written', () => {
    expect(donneesPersonnellesCitees('écrire à B.Casals@exemple.fr', { ...usager, nom: null })).toEqual(['email']);
    expect(donneesPersonnellesCitees('rappeler le 0468112233', usager)).toEqual(['telephone']);
    expect(donneesPersonnellesCitees('rappeler le +33 4 68 11 22 33', usager)).toEqual(['telephone']);
    expect(donneesPersonnellesCitees('le dispositif finance 30 000 euros', usager)).toEqual([]);
  });

  it('masks them in a suggested answer', () => {
    expect(masquerUsager('Bonjour M. Casals, rappelez le 04.68.11.22.33 ou b.casals@exemple.fr', usager)).toBe(
      'Bonjour M. [usager], rappelez le [usager] ou [usager]',
    );
    expect(masquerUsager('Madame Hélène Dupré', { nom: 'Helene Dupre', email: null, telephone: null })).toBe('Madame [usager] [usager]');
  });
});
