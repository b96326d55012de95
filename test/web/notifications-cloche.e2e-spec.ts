import type { Browser, Page } from 'playwright-core';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * The référent's bell in Chromium: the tourism référent has its queue open; an MdR agent
 * escalates a question through the API; without a reload, the bell counts it, its panel lists
 * it, and choosing it marks it read and opens the question (an API and a worker on a database
 * of their own).
 */
describe('the notifications bell: the référent hears of an escalation without reloading, in Chromium', () => {
  let f: SlaFixture;
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    web.ensureWebBuild();
    f = await SlaFixture.start('relais_test_web_cloche', 2);
    api = f.api;
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('the bell counts the new escalation, lists it, and opens the question from it; the preferences screen', async () => {
    const users = await web.devUsers(api);
    const referent = users.find((u) => u.email === EMAILS.referentTourisme)!;
    await web.logInAs(page, api.baseUrl, referent.displayName);
    await page.getByRole('heading', { level: 1, name: /File des questions/ }).waitFor();
    await page.getByRole('button', { name: 'Notifications, aucune non lue' }).waitFor();

    // An agent escalates a question on a tourism dispositif, through the API.
    const agent = await api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const created = await api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    expect(created.status).toBe(201);
    expect((await api.post(`/api/v1/questions/${created.body.id}/escalader`, {}, { token: agent })).status).toBe(200);
    await f.waitFor(async () => (await f.query(`SELECT 1 FROM notification WHERE ticket_id = $1`, [created.body.id])).length > 0, 15_000, 'the notification');

    // No reload, no focus change: the live stream (GET /flux) pushes the notification and the
    // bell refetches its count. The wait stays under the bell's 30-second fallback poll, so only
    // the stream can make it pass.
    const bell = page.getByRole('button', { name: 'Notifications, 1 non lue' });
    await bell.waitFor({ timeout: 15_000 });
    expect(await bell.textContent()).toContain('1');
    await web.checkedShot(page, 'cloche-01-file-avec-notification');

    await bell.click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.waitFor();
    const entry = panel.getByRole('link', { name: new RegExp(`${created.body.reference} : nouvelle question escaladée`) });
    await entry.waitFor();
    await web.checkedShot(page, 'cloche-02-panneau');
    await entry.click();
    await page.getByRole('heading', { level: 1, name: `Question ${created.body.reference}` }).waitFor();
    await page.getByRole('button', { name: 'Notifications, aucune non lue' }).waitFor();

    // The preferences, from the header: breaches cannot be muted (said next to the box).
    await page.getByRole('link', { name: 'Préférences', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Préférences de notification' }).waitFor();
    const breach = page.getByRole('checkbox', { name: /Délai dépassé/ });
    expect(await breach.isDisabled()).toBe(true);
    expect(await breach.isChecked()).toBe(true);
    await web.checkedShot(page, 'cloche-03-preferences');
    expect(errors).toEqual([]);
  }, 90_000);
});
