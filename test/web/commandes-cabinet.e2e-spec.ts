import type { Browser, Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { briefSansMaterielNiContacts, commandeFixture, emise, EMAILS, rediger } from '../commandes/fixtures';
import * as web from './browser';

/**
 * The Cabinet's commande screens beyond the walk (test/web/commandes-walk.e2e-spec.ts, which
 * drafts, issues and follows a commande through every role): the list's filter by state, the
 * brief editor at tablet width (the check above the form), a note inside the Cabinet on the
 * fil (marked, and absent from a Maison's fil), the follow-up page at tablet width. The
 * commandes are set up through the API.
 */
describe('web app: the Cabinet’s commande list, editor and follow-up, beyond the walk, in Chromium', () => {
  let api: TestApi;
  let db: TestDb;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let brouillon: { id: string; reference: string };
  let commande: { id: string; reference: string; affectations: Array<{ id: string; maison: { id: string } }> };

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    db = new TestDb();
    const ids = await commandeFixture(db);
    const livrables = [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des entreprises participantes', echeance: web.parisDayIn(20) }];
    brouillon = await rediger(api, briefSansMaterielNiContacts(ids, { echeance: web.parisDayIn(30), livrables }));
    commande = await emise(api, ids, { echeance: web.parisDayIn(30), livrables });
    // Limoux has delivered: the roll-up holds more than one state.
    const limoux = commande.affectations.find((a) => a.maison.id === ids.limoux)!.id;
    const token = await api.login(EMAILS.responsableLimoux);
    for (const [verb, body] of [['accuser-reception', {}], ['livrer', { note: 'Atelier tenu à Limoux.' }]] as const) {
      const res = await api.post(`/api/v1/affectations/${limoux}/${verb}`, body, { token });
      expect({ verb, status: res.status }).toEqual({ verb, status: 200 });
    }
    const users = await web.devUsers(api);
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
    await web.logInAs(page, api.baseUrl, users.find((u) => u.email === EMAILS.conseiller)!.displayName);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.close();
  });

  const shot = (name: string) => web.checkedShot(page, name);
  const ligne = (reference: string) => page.getByRole('row').filter({ hasText: reference });

  it('the list filters the commandes by state', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Commandes', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Commandes' }).waitFor();
    await ligne(commande.reference).waitFor();
    await ligne(brouillon.reference).waitFor();
    await page.getByLabel('Statut').selectOption('brouillon');
    await ligne(commande.reference).waitFor({ state: 'detached' });
    await ligne(brouillon.reference).waitFor();
    await page.getByLabel('Statut').selectOption('emise');
    await ligne(brouillon.reference).waitFor({ state: 'detached' });
    await ligne(commande.reference).waitFor();
    expect(await ligne(commande.reference).textContent()).toMatch(/émise/);
    await shot('cmd-cab-01-liste-emises');
    // Cancelled ones only (other suites share this database: there may be some, or none).
    await page.getByLabel('Statut').selectOption('annulee');
    await ligne(commande.reference).waitFor({ state: 'detached' });
    await page.locator('table tbody tr, .empty').first().waitFor();
    const rows = await page.locator('table tbody tr').allTextContents();
    if (rows.length === 0) await page.getByText('Aucune commande dans cet état pour l’instant.').waitFor();
    for (const row of rows) expect(row).toMatch(/annulée/);
  }, 60_000);

  it('at tablet width the draft’s check comes first, above the form', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByLabel('Statut').selectOption('brouillon');
    await ligne(brouillon.reference).getByRole('link', { name: brouillon.reference }).click();
    await page.getByRole('heading', { level: 1, name: `Brouillon ${brouillon.reference}` }).waitFor();
    await page.getByText('Incomplet : 2 éléments à compléter avant d’émettre.').waitFor();
    const [panel, form] = await Promise.all([
      page.getByRole('region', { name: 'Vérification du cahier des charges' }).boundingBox(),
      page.getByRole('form', { name: 'Cahier des charges' }).boundingBox(),
    ]);
    expect(panel!.y).toBeLessThan(form!.y);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await shot('cmd-cab-02-brouillon-tablette');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('a note inside the Cabinet is marked on the fil and absent from a Maison’s; the follow-up holds at tablet width', async () => {
    await page.goto(`${api.baseUrl}/cabinet/commandes/${commande.id}`);
    await page.getByRole('heading', { level: 1, name: `Commande ${commande.reference}` }).waitFor();
    await page.getByText('1 livraison à valider').waitFor();
    const ecrire = page.getByRole('region', { name: 'Écrire sur le fil' });
    await ecrire.getByRole('radio', { name: 'Note interne : le Cabinet seulement' }).check();
    await ecrire.getByLabel('Texte de la note interne').fill('Penser à remercier les Maisons à la clôture.');
    await ecrire.getByRole('button', { name: 'Enregistrer la note interne' }).click();
    await ecrire.getByText('Note interne enregistrée, visible du Cabinet seulement.').waitFor();
    const note = page.locator('.event-interne').filter({ hasText: 'Penser à remercier les Maisons à la clôture.' });
    await note.getByText('Note interne', { exact: true }).waitFor();
    expect(await note.locator('.event-text').textContent()).toMatch(/ a écrit une note interne$/);
    expect(await ecrire.getByLabel('Texte de la note interne').inputValue()).toBe('');
    const filMaison = await api.get(`/api/v1/commandes/${commande.id}/fil`, { token: await api.login(EMAILS.agentFoix) });
    expect(filMaison.status).toBe(200);
    expect(JSON.stringify(filMaison.body)).not.toContain('remercier les Maisons');

    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('table', { name: /Où en est chaque Maison/ }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await shot('cmd-cab-03-suivi-tablette');
    expect(errors).toEqual([]);
  }, 60_000);
});
