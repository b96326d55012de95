import { randomUUID } from 'node:crypto';
import { EMAILS } from '../questions/fixtures';
import * as web from './browser';

/**
 * The search in Chromium: an MdR agent types in the header's search box, reads the results by
 * type with their highlighted words, and opens a dispositif, then a published answer at its
 * place on the dispositif's page.
 */
describe('search from the header, in Chromium', () => {
  const walk = web.useWalk();

  it('an agent searches "eau tourisme camping" from the header, opens Ec’Eau Tourisme, then a published answer', async () => {
    const { api, db, page, errors } = walk;
    const { id: eceau } = await db.one(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const { id: auteur } = await db.one(`SELECT id FROM users WHERE email = $1`, [EMAILS.referentTourisme]);
    const reponse = randomUUID();
    // A published answer, as the capitalisation would have written it.
    await db.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le)
       VALUES ($1, $2, 'Un camping peut-il financer des douchettes hydro-économes ?', 'Oui : les douchettes et mitigeurs sont des dépenses éligibles.', 'interne', $3, now())`,
      [reponse, eceau, auteur],
    );
    const agent = (await web.devUsers(api)).find((u) => u.email === EMAILS.agentCarcassonne)!;
    await web.logInAs(page, api.baseUrl, agent.displayName);

    // Keyboard only: the search box is reached with Tab from the skip link and submitted with Enter.
    const box = page.getByRole('search', { name: 'Rechercher dans Relais' }).getByRole('searchbox', { name: 'Recherche dans Relais : dispositifs, documents, réponses publiées' });
    await box.focus();
    await page.keyboard.type('eau tourisme camping');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Recherche : eau tourisme camping' }).waitFor();
    expect(page.url()).toBe(`${api.baseUrl}/recherche?q=eau%20tourisme%20camping`);
    const dispositifs = page.getByRole('region', { name: /^Dispositifs/ });
    const first = dispositifs.getByRole('listitem').first();
    await first.getByRole('link', { name: "Ec'Eau Tourisme" }).waitFor();
    expect(await first.locator('mark').allTextContents()).toEqual(expect.arrayContaining(['eau', 'camping']));
    await web.checkedShot(page, 'recherche-01-resultats');

    await first.getByRole('link', { name: "Ec'Eau Tourisme" }).click();
    await page.getByRole('heading', { level: 1, name: "Ec'Eau Tourisme" }).waitFor();
    expect(page.url()).toBe(`${api.baseUrl}/dispositifs/${eceau}`);

    // The header keeps working from any page: the answer, found by a word of its question.
    await box.fill('douchettes');
    await box.press('Enter');
    const reponses = page.getByRole('region', { name: /^Réponses publiées/ });
    const lien = reponses.getByRole('link', { name: 'Un camping peut-il financer des douchettes hydro-économes ?' });
    await lien.waitFor();
    expect(await reponses.locator('mark').first().textContent()).toBe('douchettes');
    await lien.click();
    await page.getByRole('heading', { level: 1, name: "Ec'Eau Tourisme" }).waitFor();
    expect(page.url()).toBe(`${api.baseUrl}/dispositifs/${eceau}#reponse-${reponse}`);

    // A search with no word to look for says so in French, next to nothing broken.
    await box.fill('le la');
    await box.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Aucun mot à chercher' }).waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
