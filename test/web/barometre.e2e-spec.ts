import { EMAILS } from '../questions/fixtures';
import * as web from './browser';

/**
 * The barometer in Chromium (ADR 0020): an MdR agent records « Quel temps fait-il chez vous ? »
 * from the home screen in two actions; the network manager finds it on the Baromètre page, on
 * the map and in the month's figures.
 */
describe('the barometer, in Chromium', () => {
  const walk = web.useWalk();

  it('an agent records a weather in under three actions; the manager sees it on the map and in the month’s figures', async () => {
    const { api, db, page } = walk;
    const { id: carcassonne, nom } = await db.one(`SELECT id, nom FROM maison WHERE code = 'carcassonne'`);
    // This walk's Maison starts the month without entries (the test database is this run's own).
    await db.query(`DELETE FROM barometre_releve WHERE maison_id = $1`, [carcassonne]);
    const users = await web.devUsers(api);
    const agent = users.find((u) => u.email === EMAILS.agentCarcassonne)!;
    const manager = users.find((u) => u.email === EMAILS.managerReseau)!;

    await web.logInAs(page, api.baseUrl, agent.displayName);
    const carte = page.getByRole('region', { name: 'Quel temps fait-il chez vous ?' });
    await carte.waitFor();
    await web.checkedShot(page, 'barometre-01-accueil-agent');

    // Action 1: the weather; action 2: Enregistrer (the comment is optional).
    await carte.getByRole('button', { name: 'Orage' }).click();
    await carte.getByRole('button', { name: 'Enregistrer la météo' }).click();
    await carte.getByRole('status').filter({ hasText: 'Météo enregistrée : Orage. Merci !' }).waitFor();
    expect(await db.count('barometre_releve', `maison_id = $1 AND meteo = 'orage'`, [carcassonne])).toBe(1);

    // A phone number in the comment is refused next to the field.
    await carte.getByRole('button', { name: 'Pluie' }).click();
    await carte.getByLabel(/^Commentaire/).fill('Rappeler la dame au 06 12 34 56 78');
    await carte.getByRole('button', { name: 'Enregistrer la météo' }).click();
    await carte.getByText(/Pas de donnée personnelle dans le commentaire : il contient un numéro de téléphone/).waitFor();
    expect(await carte.getByLabel(/^Commentaire/).getAttribute('aria-invalid')).toBe('true');
    expect(await db.count('barometre_releve', `maison_id = $1`, [carcassonne])).toBe(1);

    await web.logInAs(page, api.baseUrl, manager.displayName);
    await page.getByRole('navigation').getByRole('link', { name: 'Baromètre' }).click();
    await page.getByRole('heading', { level: 1, name: 'Baromètre' }).waitFor();
    const point = page.getByRole('group', { name: /Carte des Maisons de la Région/ }).getByRole('img', { name: `${nom} : orage (1 relevé)` });
    await point.waitFor();
    const ligne = page.getByRole('table', { name: /Météo et opérations du mois par Maison/ }).getByRole('row', { name: new RegExp(nom) });
    const cells = await ligne.getByRole('cell').allTextContents();
    expect(cells.slice(0, 8)).toEqual(['Orage', '—', '0', '0', '0', '0', '1', '1']);
    await web.checkedShot(page, 'barometre-02-manager');
  });
});
