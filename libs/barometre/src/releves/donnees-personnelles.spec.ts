import { donneesPersonnellesDans } from './donnees-personnelles';

describe('personal data in a barometer comment', () => {
  it.each([
    'Écrire à jean.dupont@gmail.com pour la suite',
    'contact : marie-claire_2@orange.fr',
    'son mail jean (at) laposte.net',
    'jean arobase free point fr',
  ])('finds the e-mail address in « %s »', (texte) => {
    expect(donneesPersonnellesDans(texte)).toEqual(['email']);
  });

  it.each([
    'rappeler au 06 12 34 56 78 demain',
    'tél. 06.12.34.56.78',
    'tel 06-12-34-56-78',
    '0612345678',
    'joignable au +33 6 12 34 56 78',
    '+33 (0)4 68 11 22 33',
    '+33612345678',
    '0033 4 68 11 22 33',
  ])('finds the phone number in « %s »', (texte) => {
    expect(donneesPersonnellesDans(texte)).toEqual(['telephone']);
  });

  it.each([
    'Les usagers se plaignent des délais du Pass Culture',
    'Très contents de la permanence du 12/11, 3 jeunes venus',
    'Aide de 1 500 € jugée insuffisante par 12 familles',
    'Dossier 2026-000123 toujours en attente',
    'Rendez-vous à 14 h 30 le 04/12',
  ])('lets « %s » through', (texte) => {
    expect(donneesPersonnellesDans(texte)).toEqual([]);
  });

  it('names both when both are there', () => {
    expect(donneesPersonnellesDans('a@b.fr ou 0612345678')).toEqual(['email', 'telephone']);
  });
});
