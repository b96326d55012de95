import { EMAILS, questionBody, recordQuestion } from '../questions/fixtures';
import * as web from './browser';

/**
 * Capitalisation in Chromium (issue 14): the tourism référent publishes the answer of an
 * Ec'Eau Tourisme question in "L'info pour tous"; an agent typing a similar question in
 * "Nouvelle question" sees it suggested, answers at the desk with it, and lands on the question,
 * "répondue localement", the reused answer recorded.
 */
describe('capitalisation, in Chromium', () => {
  const walk = web.useWalk();

  it('published by the référent, suggested to the agent, reused at the desk', async () => {
    const { api, db, page, errors } = walk;
    const users = await web.devUsers(api);
    const nameOf = (email: string) => users.find((u) => u.email === email)!.displayName;
    const { id: eceau } = await db.one<{ id: string }>(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    // A unique word, so that this walk's published answer is the one suggested whatever ran before.
    const mot = `pluviometre${Date.now().toString(36)}`;

    // The question, escalated and answered over the API.
    const source = await recordQuestion(api, questionBody({ objet: `Récupération des eaux de pluie du camping (${mot})`, dispositifId: eceau }));
    await api.post(`/api/v1/questions/${source.id}/escalader`, {}, { token: await api.login(EMAILS.agentCarcassonne) });
    const answered = await api.post(`/api/v1/questions/${source.id}/repondre`, { reponse: 'Oui : Ec’Eau Tourisme finance jusqu’à 50 % des équipements hydro-économes.' }, { token: await api.login(EMAILS.referentTourisme) });
    expect(answered.status).toBe(200);

    // The référent publishes it, reworded, for the usagers (externe).
    await web.logInAs(page, api.baseUrl, nameOf(EMAILS.referentTourisme));
    await page.goto(`${api.baseUrl}/questions/${source.id}`);
    await page.getByRole('heading', { level: 1, name: `Question ${source.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Publier dans L’info pour tous' }).click();
    const publier = page.getByRole('form', { name: 'Publier dans L’info pour tous' });
    await publier.getByLabel('Question reformulée').fill(`Un camping peut-il financer la récupération des eaux de pluie (${mot}) ?`);
    await publier.getByLabel(/Externe/).check();
    await web.checkedShot(page, 'capitalisation-01-publier');
    await publier.getByRole('button', { name: 'Publier' }).click();
    await page.getByRole('status').filter({ hasText: 'Réponse publiée' }).waitFor();
    const [publiee] = await db.query(`SELECT id FROM reponse_publiee WHERE question_source_id = $1`, [source.id]);
    expect(publiee).toBeDefined();

    // The dispositif page shows it at its anchor.
    await page.getByRole('link', { name: 'Voir sur la page du dispositif' }).click();
    await page.locator(`#reponse-${publiee.id}`).filter({ hasText: mot }).waitFor();
    await web.signOut(page);

    // The agent types a similar question: the published answer is suggested.
    await web.logInAs(page, api.baseUrl, nameOf(EMAILS.agentCarcassonne));
    await page.getByRole('navigation').getByRole('link', { name: 'Nouvelle question' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouvelle question' }).waitFor();
    await page.getByLabel('Objet').fill(`Eau de pluie pour un camping ${mot}`);
    await page.getByLabel('Description').fill('Le gérant veut installer une cuve de récupération.');
    await page.getByLabel('Rechercher un dispositif').fill('eau');
    await page.getByRole('radio', { name: /Ec'Eau Tourisme/ }).check();
    await page.getByLabel('Nom', { exact: true }).fill('Martine Usagère');
    await page.getByLabel(/L’usager accepte/).check();
    const suggestions = page.getByRole('list', { name: 'Réponses déjà publiées' });
    const suggestion = suggestions.getByRole('listitem').filter({ hasText: mot });
    await suggestion.waitFor();
    await expect(suggestion.getByText(/Externe : peut être remise telle quelle à l’usager/).count()).resolves.toBe(1);
    await suggestion.getByText(`Un camping peut-il financer la récupération des eaux de pluie (${mot}) ?`).click();
    await suggestion.getByLabel('Réponse à donner (modifiable)').fill('Oui : Ec’Eau Tourisme finance jusqu’à 50 % des équipements hydro-économes. Dossier en ligne.');
    await web.checkedShot(page, 'capitalisation-02-suggestions');
    await suggestion.getByRole('button', { name: 'Répondre au guichet avec cette réponse' }).click();

    // The question page: answered at the desk, the reused answer named on its fil and recorded.
    await page.getByRole('heading', { level: 1, name: /^Question Q-/ }).waitFor();
    await page.getByText('répondue localement', { exact: true }).first().waitFor();
    await page.getByText('Dossier en ligne.').first().waitFor();
    await page.getByText(/a répondu sur place avec une réponse publiée \(L’info pour tous\)/).waitFor();
    const questionId = page.url().split('/').pop()!;
    expect(await db.query(`SELECT reponse_publiee_id FROM reponse_reutilisee WHERE question_id = $1`, [questionId])).toEqual([{ reponse_publiee_id: publiee.id }]);
    await web.checkedShot(page, 'capitalisation-03-repondue-localement');
    expect(errors).toEqual([]);
  }, 90_000);
});
