import type { Browser, Page } from 'playwright-core';
import { EMAILS } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/** The Annuaire in Chromium: an agent reaches it from the navigation and finds whom to call for Ec'Eau Tourisme. */
describe('Annuaire in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('an agent opens the Annuaire from the navigation, sees the Maisons and finds who to call for a dispositif', async () => {
    const agent = (await web.devUsers(api)).find((u) => u.email === EMAILS.agentCarcassonne)!;
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await page.getByRole('navigation').getByRole('link', { name: 'Annuaire' }).click();
    await page.getByRole('heading', { level: 1, name: 'Annuaire' }).waitFor();
    const maisons = page.getByRole('table', { name: /Maisons et bureaux territoriaux/ });
    const carcassonne = maisons.getByRole('row', { name: /Carcassonne/ });
    // Hours come from the Maison's SLA calendar (the network's, inherited, in the demo).
    await carcassonne.getByText(/lun\./).waitFor();
    expect(await carcassonne.textContent()).toContain('responsable.carcassonne@relais.demo');
    await page.getByLabel('Dispositif (nom ou mots-clés)').fill('eau tourisme');
    await page.getByRole('button', { name: 'Chercher' }).click();
    await page.getByRole('button', { name: "Ec'Eau Tourisme" }).click();
    await page.getByRole('heading', { level: 3, name: "Ec'Eau Tourisme" }).waitFor();
    await page.getByText('Porté par : Direction du Tourisme').waitFor();
    await web.checkedShot(page, 'annuaire-01-qui-appeler');
    expect(await web.seriousA11yViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
