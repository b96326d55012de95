import type { Browser, Page } from 'playwright-core';
import { EMAILS, questionBody } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

// Code run in the page by page.evaluate (the tests are compiled without the DOM's types).
declare const document: any;

/**
 * The desk's tracking link in Chromium: the Carcassonne agent hands the usager a link from the
 * question page (QR code, printable receipt), and the page at that address shows the reference
 * and the step in plain French, nothing personal, accessible down to 320 px.
 */
describe('usager tracking link: the agent hands it, the usager opens it, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let agent: { email: string; displayName: string };
  let question: { id: string; reference: string };
  const USAGER = { nom: 'Philomène Tartempion', organisation: 'Gîte des Quatre Vents', email: 'philomene@gite-quatre-vents.fr', telephone: '04 68 00 11 99', consentement: true };
  const NOTE = 'Note interne : rappeler le gîte vendredi.';

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    agent = (await web.devUsers(api)).find((u) => u.email === EMAILS.agentCarcassonne)!;
    const token = await api.login(agent.email);
    const created = await api.post('/api/v1/questions', questionBody({ objet: 'Extension du gîte', usager: USAGER }), { token });
    expect(created.status).toBe(201);
    question = created.body;
    expect((await api.post(`/api/v1/questions/${question.id}/messages`, { texte: NOTE, visibilite: 'interne' }, { token })).status).toBe(201);
    expect((await api.post(`/api/v1/questions/${question.id}/escalader`, {}, { token })).status).toBe(200);
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  let url: string;

  it('the agent creates the link on the question page, sees its QR code, and the receipt prints alone', async () => {
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await page.goto(`${api.baseUrl}/questions/${question.id}`);
    await page.getByRole('heading', { level: 1, name: `Question ${question.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Lien de suivi pour l’usager' }).click();
    const recu = page.getByRole('group', { name: 'Reçu à remettre à l’usager' });
    await recu.getByRole('img', { name: 'QR code de la page de suivi' }).waitFor();
    url = (await recu.getByRole('link').getAttribute('href'))!;
    expect(url).toMatch(new RegExp(`^${api.baseUrl}/suivi/[A-Za-z0-9_-]{43}$`));
    const text = await recu.textContent();
    expect(text).toContain(question.reference);
    expect(text).toContain('Maison de Ma Région – Carcassonne');
    for (const personal of [USAGER.nom, USAGER.organisation, USAGER.email, USAGER.telephone, agent.displayName]) expect(text).not.toContain(personal);
    // The handing is on the Maison's fil, in words.
    await page.locator('.timeline li').filter({ hasText: `${agent.displayName} a remis un lien de suivi à l’usager` }).waitFor();
    await web.checkedShot(page, 'suivi-01-agent-lien-et-qr');

    // Printing: the print stylesheet shows the receipt and hides the rest of the page.
    await page.evaluate(() => document.documentElement.classList.add('impression-recu'));
    await page.emulateMedia({ media: 'print' });
    expect(await recu.isVisible()).toBe(true);
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.timeline').isVisible()).toBe(false);
    await web.shot(page, 'suivi-02-recu-imprime');
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => document.documentElement.classList.remove('impression-recu'));
    expect(errors).toEqual([]);
  }, 60_000);

  it('the page at that address shows the reference and the step in plain French, no personal data, accessible at 320 px', async () => {
    const usager = await web.openPage(browser, { viewport: { width: 320, height: 640 } });
    const response = await usager.page.goto(url);
    expect(response!.status()).toBe(200);
    await usager.page.getByRole('heading', { level: 1, name: 'Suivi de votre demande' }).waitFor();
    expect(await usager.page.title()).toBe(`Suivi de votre demande ${question.reference} — Région Occitanie`);
    const html = await usager.page.content();
    expect(html).toContain(question.reference);
    expect(html).toContain('Votre demande a été transmise au service compétent de la Région');
    for (const secret of [USAGER.nom, USAGER.organisation, USAGER.email, USAGER.telephone, agent.displayName, NOTE, 'Extension du gîte']) expect(html).not.toContain(secret);
    expect(await usager.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await web.checkedShot(usager.page, 'suivi-03-page-usager-320px');
    await usager.page.setViewportSize({ width: 1280, height: 900 });
    await web.shot(usager.page, 'suivi-04-page-usager');

    // A link that opens nothing: the same French page, never the web app.
    const wrong = await usager.page.goto(`${api.baseUrl}/suivi/${'A'.repeat(43)}`);
    expect(wrong!.status()).toBe(404);
    await usager.page.getByRole('heading', { level: 1, name: 'Lien de suivi introuvable' }).waitFor();
    await web.checkedShot(usager.page, 'suivi-05-lien-introuvable');
    expect(usager.errors.filter((e) => !/status of 404/.test(e))).toEqual([]);
    await usager.context.close();
  }, 60_000);
});
