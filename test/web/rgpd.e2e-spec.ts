import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { EMAILS, questionBody } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * « Données personnelles (RGPD) » in Chromium, as an administrator uses it when an usager writes
 * in: finds the usager by e-mail, downloads the export of everything held, is refused the
 * erasure while a question is still open (the message names it), erases once it is closed (motif,
 * confirmation), and reads both acts in the journal.
 */
describe('web app: an usager’s data, exported and erased by an administrator, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let admin: { email: string; displayName: string };
  let agentToken: string;
  const suffixe = Date.now().toString(36);
  const USAGER = { nom: `Maëlle Rouquette-${suffixe}`, organisation: 'Ferme des Causses', email: `maelle.rouquette.${suffixe}@example.org`, telephone: '05 65 12 34 56', consentement: true };
  const MOTIF = `Demande d’effacement reçue par courrier, réf. ${suffixe}.`;
  let close: { id: string; reference: string };
  let ouverte: { id: string; reference: string };

  beforeAll(async () => {
    web.ensureWebBuild();
    // A retention other than the default, which the page must state as set.
    api = await TestApi.start({ config: { RGPD_RETENTION_MOIS: '18' } });
    admin = (await web.devUsers(api)).find((u) => u.email === EMAILS.admin)!;
    agentToken = await api.login(EMAILS.agentCarcassonne);
    const record = async (objet: string) => {
      const res = await api.post('/api/v1/questions', questionBody({ objet, description: `Pour ${USAGER.nom}, joignable au ${USAGER.telephone}.`, usager: USAGER }), { token: agentToken });
      expect(res.status).toBe(201);
      return res.body as { id: string; reference: string };
    };
    close = await record('Aide à la diversification agricole');
    expect((await api.post(`/api/v1/questions/${close.id}/repondre-localement`, { reponse: `Oui, ${USAGER.nom} peut déposer un dossier.` }, { token: agentToken })).status).toBe(200);
    expect((await api.post(`/api/v1/questions/${close.id}/clore`, {}, { token: agentToken })).status).toBe(200);
    ouverte = await record('Formation au circuit court');
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser, { acceptDownloads: true }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const h1 = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

  it('the administrator finds the usager by e-mail and downloads the export of everything held', async () => {
    await web.logInAs(page, api.baseUrl, admin.displayName);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Données personnelles (RGPD)' }).click();
    await h1('Données personnelles (RGPD)');
    await page.getByText('jusqu’à 18 mois après leur clôture').waitFor();
    // An address that is not one: refused next to the field.
    await page.getByLabel('Adresse e-mail de l’usager').fill('pas-une-adresse');
    await page.getByRole('button', { name: 'Exporter les données (JSON)' }).click();
    await page.getByText('Donnez une adresse e-mail valide.').waitFor();
    expect(await page.getByLabel('Adresse e-mail de l’usager').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Adresse e-mail de l’usager').fill(USAGER.email.toUpperCase());
    await page.getByRole('button', { name: 'Exporter les données (JSON)' }).click();
    const status = page.getByRole('status').filter({ hasText: '2 questions trouvées' });
    await status.waitFor();
    expect(await status.textContent()).toContain(close.reference);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger l’export (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^relais-rgpd-acces-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.questions.map((q: { reference: string }) => q.reference).sort()).toEqual([close.reference, ouverte.reference].sort());
    expect(exported.questions[0].usager).toMatchObject({ nom: USAGER.nom, email: USAGER.email, telephone: USAGER.telephone });
    await web.checkedShot(page, 'rgpd-01-export');
  }, 120_000);

  it('erasure is refused while a question is open, naming it; once closed, it is done after a confirmation and both acts are journaled', async () => {
    await page.getByLabel('Motif').fill(MOTIF);
    await page.getByRole('button', { name: 'Effacer les données de cet usager…' }).click();
    const confirm = page.getByRole('group', { name: 'Confirmer l’effacement' });
    await confirm.getByRole('button', { name: 'Confirmer l’effacement' }).click();
    const refus = page.getByRole('alert').filter({ hasText: ouverte.reference });
    await refus.waitFor();
    expect(await refus.textContent()).toContain('encore ouverte');
    await web.checkedShot(page, 'rgpd-02-effacement-refuse');

    // The Maison closes it; the administrator tries again.
    expect((await api.post(`/api/v1/questions/${ouverte.id}/repondre-localement`, { reponse: 'Oui.' }, { token: agentToken })).status).toBe(200);
    expect((await api.post(`/api/v1/questions/${ouverte.id}/clore`, {}, { token: agentToken })).status).toBe(200);
    await page.getByRole('button', { name: 'Effacer les données de cet usager…' }).click();
    // Cancel first: nothing happens.
    await confirm.getByRole('button', { name: 'Annuler' }).click();
    expect(await page.getByRole('group', { name: 'Confirmer l’effacement' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Effacer les données de cet usager…' }).click();
    await confirm.getByRole('button', { name: 'Confirmer l’effacement' }).click();
    await page.getByRole('status').filter({ hasText: '2 questions anonymisées' }).waitFor();

    const journal = page.getByRole('table', { name: /Rétentions, effacements et exports/ });
    await journal.getByRole('row').filter({ hasText: MOTIF }).filter({ hasText: 'Effacement sur demande' }).waitFor();
    expect(await journal.getByRole('row').filter({ hasText: 'Export (droit d’accès)' }).count()).toBeGreaterThan(0);
    await web.checkedShot(page, 'rgpd-03-efface-et-journal');

    // Nothing is held any more: a new export finds nothing; the agent's question reads « [anonymisé] ».
    await page.getByRole('button', { name: 'Exporter les données (JSON)' }).click();
    await page.getByRole('status').filter({ hasText: 'Relais ne détient aucune donnée sur cet usager' }).waitFor();
    const q = (await api.get(`/api/v1/questions/${close.id}`, { token: agentToken })).body;
    expect(q.objet).toBe('[anonymisé]');
    expect(JSON.stringify(q)).not.toContain(USAGER.email);
    expect((await api.get(`/api/v1/questions/${close.id}/fil/verification`, { token: agentToken })).body.valide).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);
});
