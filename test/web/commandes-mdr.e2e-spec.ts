import type { Browser, Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { briefComplet, commandeFixture, type CommandeIds, EMAILS } from '../commandes/fixtures';
import * as web from './browser';

/**
 * The Maison's commande screens beyond the walk (test/web/commandes-walk.e2e-spec.ts, which takes
 * a commande from the draft to its closure through every role): the brief in full (budget,
 * contacts), an internal note that stays inside the Maison, the list's filters, the affectation
 * page at tablet width. The Cabinet issues the commande and Foix acknowledges it through the API.
 */
describe('web app: a commande received by a Maison, beyond the walk (brief, internal note, filters, tablet), in Chromium', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: CommandeIds;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let agent: { email: string; displayName: string };
  let conseiller: string;
  let commande: { id: string; reference: string; affectations: Array<{ id: string; maison: { id: string } }> };
  let affectationFoix: string;

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    db = new TestDb();
    ids = await commandeFixture(db);
    const users = await web.devUsers(api);
    agent = users.find((u) => u.email === EMAILS.agentFoix)!;
    expect(agent).toBeDefined();

    // The Cabinet's adviser drafts a complete brief and issues it to three Maisons.
    conseiller = await api.login(EMAILS.conseiller);
    const brief = briefComplet(ids, {
      echeance: web.parisDayIn(30),
      livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des entreprises participantes', echeance: web.parisDayIn(20) }],
    });
    const draft = await api.post('/api/v1/commandes', brief, { token: conseiller });
    expect(draft.status).toBe(201);
    const issued = await api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
    expect(issued.status).toBe(200);
    commande = issued.body;
    expect(commande.affectations).toHaveLength(3);
    affectationFoix = commande.affectations.find((a) => a.maison.id === ids.foix)!.id;
    const acknowledged = await api.post(`/api/v1/affectations/${affectationFoix}/accuser-reception`, {}, { token: await api.login(EMAILS.agentFoix) });
    expect(acknowledged.status).toBe(200);

    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.close();
  });

  const shot = (name: string) => web.checkedShot(page, name);
  const statut = (text: string) => page.locator('.status-line').filter({ hasText: text }).waitFor();
  const ligne = () => page.getByRole('row').filter({ hasText: commande.reference });

  it('the brief in full, and an internal note that stays inside the Maison (absent from the Cabinet’s fil)', async () => {
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await page.goto(`${api.baseUrl}/commandes-recues/${affectationFoix}`);
    await page.getByRole('heading', { level: 1, name: 'Atelier de concertation sur les besoins en formation de la filière BTP' }).waitFor();
    await statut('réception accusée');
    const brief = page.getByRole('region', { name: 'Cahier des charges' });
    await brief.getByText('Questionnaire aux entreprises').waitFor();
    await brief.getByRole('link', { name: EMAILS.referentDef }).waitFor();
    expect(await brief.textContent()).toMatch(/1\s500,00\s€/);

    // The message is required, said next to the field.
    const ecrire = page.getByRole('region', { name: 'Écrire sur le fil' });
    await ecrire.getByRole('button', { name: 'Publier le message' }).click();
    await ecrire.locator('.field-error').waitFor();
    expect(await ecrire.getByRole('textbox', { name: 'Texte du message' }).getAttribute('aria-invalid')).toBe('true');
    await ecrire.getByRole('radio', { name: 'Note interne : votre Maison seulement' }).check();
    await ecrire.getByRole('textbox', { name: 'Texte de la note interne' }).fill('Penser à relancer la fédération du BTP avant jeudi.');
    await ecrire.getByRole('button', { name: 'Enregistrer la note interne' }).click();
    await ecrire.getByText('Note interne enregistrée, visible de votre Maison seulement.').waitFor();
    const note = page.locator('.event-interne').filter({ hasText: 'Penser à relancer la fédération du BTP avant jeudi.' });
    await note.getByText('Note interne', { exact: true }).waitFor();
    expect(await note.locator('.event-text').textContent()).toBe(`${agent.displayName} a écrit une note interne`);
    expect(await ecrire.getByRole('textbox', { name: 'Texte de la note interne' }).inputValue()).toBe('');
    await shot('cmd-mdr-01-note-interne');
    const filCabinet = await api.get(`/api/v1/commandes/${commande.id}/fil`, { token: conseiller });
    expect(filCabinet.status).toBe(200);
    expect(JSON.stringify(filCabinet.body)).not.toContain('fédération du BTP');
  }, 120_000);

  it('the list filters by the Maison’s own state and by the commande’s; the page holds at tablet width', async () => {
    const res = await api.post(`/api/v1/affectations/${affectationFoix}/livrer`, { note: 'Compte rendu de l’atelier joint.' }, { token: await api.login(EMAILS.agentFoix) });
    expect(res.status).toBe(200);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Commandes reçues' }).click();
    await page.getByRole('heading', { level: 1, name: 'Commandes reçues' }).waitFor();
    await ligne().filter({ hasText: 'livrée' }).waitFor();
    // By the Maison's own affectation (the API's statutAffectation), and by the commande's state.
    await page.getByLabel('Pour votre Maison').selectOption('a_traiter');
    await ligne().waitFor({ state: 'detached' });
    await page.getByLabel('Pour votre Maison').selectOption('livree');
    await ligne().waitFor();
    await page.getByLabel('Commandes', { exact: true }).selectOption('emise');
    await ligne().waitFor();
    await shot('cmd-mdr-02-liste-filtree');
    await page.getByLabel('Commandes', { exact: true }).selectOption('close');
    await ligne().waitFor({ state: 'detached' });
    await page.getByText('Aucune commande reçue par votre Maison pour ces critères.').waitFor();
    expect(errors).toEqual([]);

    const tablet = await web.openPage(browser, { viewport: { width: 768, height: 1024 } });
    await web.logInAs(tablet.page, api.baseUrl, agent.displayName);
    await tablet.page.goto(`${api.baseUrl}/commandes-recues/${affectationFoix}`);
    await tablet.page.locator('.status-line').filter({ hasText: 'livrée' }).waitFor();
    // No horizontal scrolling of the page at 768 px.
    expect(await tablet.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await web.shot(tablet.page, 'cmd-mdr-03-tablette');
    expect(await web.seriousA11yViolations(tablet.page)).toEqual([]);
    await tablet.context.close();
    expect(tablet.errors).toEqual([]);
  }, 120_000);
});
