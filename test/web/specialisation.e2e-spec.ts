import type { Browser, Page } from 'playwright-core';
import { EMAILS, questionBody } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * A correspondent Maison in Chromium (ADR 0018): the Carcassonne agent (its Maison follows
 * Tourisme for the network) opens "Questions du réseau — Tourisme" from the menu, finds a
 * Perpignan question on Ec'Eau Tourisme and opens it read-only: no usager, no action, no
 * message form, the shared fil only.
 */
describe('spécialisation: a correspondent agent reads the network’s questions of its thème, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let question: { id: string; reference: string };
  const USAGER = { nom: 'Ernestine Falguières', organisation: 'Camping du Canigou', email: 'ernestine@camping-canigou.fr', telephone: '04 68 99 88 77', consentement: true };
  const objet = `Cuve de récupération des eaux ${Date.now()}`;

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    const perpignan = await api.login(EMAILS.agentPerpignan);
    const { id: eceau } = (await api.get('/api/v1/dispositifs?q=eceau&limit=5', { token: perpignan })).body.items.find((d: { code: string }) => d.code === 'eceau-tourisme');
    const created = await api.post('/api/v1/questions', questionBody({ objet, dispositifId: eceau, usager: USAGER }), { token: perpignan });
    expect(created.status).toBe(201);
    question = created.body;
    expect((await api.post(`/api/v1/questions/${question.id}/messages`, { texte: 'Note interne de Perpignan : rappeler vendredi.', visibilite: 'interne' }, { token: perpignan })).status).toBe(201);
    expect((await api.post(`/api/v1/questions/${question.id}/messages`, { texte: 'Dossier complet transmis au siège.', visibilite: 'partage' }, { token: perpignan })).status).toBe(201);
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('opens the network list from the menu, then the question read-only', async () => {
    const agent = (await web.devUsers(api)).find((u) => u.email === EMAILS.agentCarcassonne)!;
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await page.getByRole('navigation').getByRole('link', { name: 'Questions du réseau' }).click();
    await page.getByRole('heading', { level: 1, name: 'Questions du réseau — Tourisme' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: objet });
    await row.waitFor();
    expect(await row.textContent()).toContain('Maison de Ma Région – Perpignan');
    expect(await page.getByRole('main').getByRole('button').count()).toBe(0);
    await web.checkedShot(page, 'specialisation-01-questions-du-reseau');

    await row.getByRole('link', { name: question.reference }).click();
    await page.getByRole('heading', { level: 1, name: `Question ${question.reference}` }).waitFor();
    await page.getByRole('note').filter({ hasText: 'Lecture seule' }).waitFor();
    await page.locator('.timeline li').filter({ hasText: 'Dossier complet transmis au siège.' }).waitFor();
    const main = (await page.getByRole('main').textContent())!;
    for (const personal of [USAGER.nom, USAGER.organisation, USAGER.email, USAGER.telephone, 'Note interne de Perpignan']) expect(main).not.toContain(personal);
    expect(await page.getByRole('heading', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('main').getByRole('textbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Lien de suivi pour l’usager' }).count()).toBe(0);
    await web.checkedShot(page, 'specialisation-02-question-lecture-seule');
    expect(errors).toEqual([]);
  }, 60_000);
});
