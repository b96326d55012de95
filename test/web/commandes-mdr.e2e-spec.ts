import type { Browser, Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { briefComplet, commandeFixture, type CommandeIds, EMAILS } from '../commandes/fixtures';
import * as web from './browser';

/** A calendar date in Paris, `days` from now: the brief's deadlines stay ahead whenever the walk runs. */
function dansJours(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/**
 * The Maison's side of a commande, in Chromium against the real API, PostgreSQL and Redis: the
 * Cabinet issues a complete brief to Foix, Limoux and Perpignan (through the API); Foix's agent
 * finds it in "Commandes reçues", acknowledges it, asks a clarification (answered by the
 * Cabinet), ticks a deliverable and reports progress, delivers; the Cabinet sends the delivery
 * back with a motif; Foix's head reads the motif and delivers again.
 */
describe('web app: a commande received by a Maison, from acknowledgement to a delivery sent back and delivered again, in Chromium', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: CommandeIds;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let agent: { email: string; displayName: string };
  let responsable: { email: string; displayName: string };
  let conseiller: string;
  let commande: { id: string; reference: string; affectations: Array<{ id: string; maison: { id: string } }> };
  let affectationFoix: string;

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    db = new TestDb();
    ids = await commandeFixture(db);
    const users = (await api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string }>;
    agent = users.find((u) => u.email === EMAILS.agentFoix)!;
    responsable = users.find((u) => u.email === EMAILS.responsableFoix)!;
    expect(agent).toBeDefined();
    expect(responsable).toBeDefined();

    // The Cabinet's adviser drafts a complete brief and issues it to three Maisons.
    conseiller = await api.login(EMAILS.conseiller);
    const brief = briefComplet(ids, {
      echeance: dansJours(30),
      livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des entreprises participantes', echeance: dansJours(20) }],
    });
    const draft = await api.post('/api/v1/commandes', brief, { token: conseiller });
    expect(draft.status).toBe(201);
    const issued = await api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
    expect(issued.status).toBe(200);
    commande = issued.body;
    expect(commande.affectations).toHaveLength(3);
    affectationFoix = commande.affectations.find((a) => a.maison.id === ids.foix)!.id;

    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.close();
  });

  const shot = async (name: string) => {
    await web.shot(page, name);
    expect({ screen: name, violations: await web.seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
  };
  const statut = (text: string) => page.locator('.status-line').filter({ hasText: text }).waitFor();
  const ligne = () => page.getByRole('row').filter({ hasText: commande.reference });
  const cabinet = async (verb: string, body: Record<string, unknown>) => {
    const res = await api.post(`/api/v1/affectations/${affectationFoix}/${verb}`, body, { token: conseiller });
    expect({ verb, status: res.status }).toEqual({ verb, status: 200 });
  };

  it('the agent finds the commande in "Commandes reçues", reads the brief and acknowledges it', async () => {
    await web.logInAs(page, api.baseUrl, agent.displayName);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Commandes reçues' }).click();
    await page.getByRole('heading', { level: 1, name: 'Commandes reçues' }).waitFor();
    await ligne().waitFor();
    expect(await ligne().textContent()).toMatch(/Atelier de concertation.*Cabinet.*à accuser réception.*0 %.*0 livrable sur 2/);
    await shot('cmd-mdr-01-liste');

    await ligne().getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Atelier de concertation sur les besoins en formation de la filière BTP' }).waitFor();
    await statut('à accuser réception');
    const brief = page.getByRole('region', { name: 'Cahier des charges' });
    await brief.getByText('Questionnaire aux entreprises').waitFor();
    await brief.getByRole('link', { name: EMAILS.referentDef }).waitFor();
    expect(await brief.textContent()).toMatch(/1\s500,00\s€/);
    // Only what the affectation allows now: acknowledging (and asking), not delivering nor reporting.
    const actions = page.getByRole('region', { name: 'Actions' });
    await actions.getByRole('button', { name: 'Accuser réception' }).waitFor();
    expect(await actions.getByRole('button', { name: /Livrer/ }).count()).toBe(0);
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.getByText(/Fil intègre, \d+ événements vérifiés/).waitFor();
    await page.getByText('Vincent Carrère a émis la commande').waitFor();
    await shot('cmd-mdr-02-affectation-recue');

    await actions.getByRole('button', { name: 'Accuser réception' }).click();
    await statut('réception accusée');
    await page.getByText(`${agent.displayName} a accusé réception (Foix)`).waitFor();
    expect(await actions.getByRole('button', { name: 'Accuser réception' }).count()).toBe(0);
  }, 120_000);

  it('asks a clarification (the question is required, next to the field) and reads the Cabinet’s answer', async () => {
    await page.getByRole('button', { name: 'Demander une clarification…' }).click();
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await page.locator('#clarification-question-erreur').waitFor();
    expect(await page.getByLabel('Votre question à l’émetteur').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Votre question à l’émetteur').fill('Faut-il inviter aussi les artisans non inscrits à la Chambre des métiers ?');
    await page.getByRole('button', { name: 'Envoyer la question' }).click();
    await statut('clarification demandée');
    const clarifications = page.getByRole('region', { name: 'Clarifications' });
    await clarifications.getByText('En attente de réponse').waitFor();
    await shot('cmd-mdr-03-clarification-demandee');

    await cabinet('clarifier', { reponse: 'Oui : toutes les entreprises du BTP du territoire, inscrites ou non.' });
    await page.reload();
    await statut('réception accusée');
    await clarifications.getByText('Oui : toutes les entreprises du BTP du territoire, inscrites ou non.').waitFor();
    await page.getByText('Vincent Carrère a répondu à la demande de clarification (Foix)').waitFor();
  }, 120_000);

  it('ticks a deliverable and reports progress (a percentage over 100 is refused next to the field), and writes an internal note', async () => {
    await page.getByLabel('Liste des entreprises participantes').check();
    await page.getByLabel('Avancement (en %)').fill('150');
    await page.getByRole('button', { name: 'Signaler l’avancement' }).click();
    await page.locator('#avancement-pourcentage-erreur').waitFor();
    expect(await page.getByLabel('Avancement (en %)').getAttribute('aria-invalid')).toBe('true');
    await shot('cmd-mdr-04-avancement-erreur');

    await page.getByLabel('Avancement (en %)').fill('60');
    await page.getByLabel('Note pour l’émetteur (facultatif)').fill('Atelier fixé au jeudi, 14 entreprises inscrites.');
    await page.getByRole('button', { name: 'Signaler l’avancement' }).click();
    await statut('en cours');
    await page.getByText('Avancement enregistré.').waitFor();
    await page.getByText(`${agent.displayName} a signalé l’avancement (Foix)`).waitFor();
    await page.getByText('60 % — livrables faits : Liste des entreprises participantes').waitFor();
    expect(await page.getByLabel('Liste des entreprises participantes').isChecked()).toBe(true);
    expect(await page.locator('.progress-line').textContent()).toContain('60 %');
    await page.getByRole('group', { name: 'Livrables faits (1 sur 2)' }).waitFor();

    // An internal note stays inside the Maison: marked on its fil, absent from the Cabinet's.
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
    expect(await note.textContent()).toContain(`${agent.displayName} a écrit une note interne`);
    expect(await ecrire.getByRole('textbox', { name: 'Texte de la note interne' }).inputValue()).toBe('');
    const filCabinet = await api.get(`/api/v1/commandes/${commande.id}/fil`, { token: conseiller });
    expect(JSON.stringify(filCabinet.body)).not.toContain('fédération du BTP');
  }, 120_000);

  it('delivers (the note is required, next to the field)', async () => {
    await page.getByRole('button', { name: 'Livrer…' }).click();
    await page.getByRole('button', { name: 'Livrer', exact: true }).click();
    await page.locator('#livrer-note-erreur').waitFor();
    expect(await page.getByLabel('Note de livraison').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Note de livraison').fill('Compte rendu de l’atelier joint.');
    await page.getByLabel(/Liens vers les documents/).fill('https://partage.laregion.fr/atelier-btp-foix.pdf');
    await page.getByRole('button', { name: 'Livrer', exact: true }).click();
    await statut('livrée');
    const livraison = page.getByRole('region', { name: 'Livraison' });
    await livraison.getByRole('link', { name: 'https://partage.laregion.fr/atelier-btp-foix.pdf' }).waitFor();
    await page.getByText(`${agent.displayName} a livré (Foix)`).waitFor();
    // Nothing more to do until the Cabinet validates or sends it back.
    await page.getByText('Aucune action possible pour vous sur cette commande maintenant.').waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await shot('cmd-mdr-05-livree');
    expect(errors).toEqual([]);
  }, 120_000);

  it('the Cabinet sends it back with a motif; the Maison’s head reads it and delivers again', async () => {
    const motif = 'La liste des entreprises participantes manque : joignez-la au compte rendu.';
    await cabinet('renvoyer', { motif });
    await web.signOut(page);
    await web.logInAs(page, api.baseUrl, responsable.displayName);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Commandes reçues' }).click();
    await ligne().filter({ hasText: 'renvoyée à la Maison' }).waitFor();
    await ligne().getByRole('link').click();
    await statut('renvoyée à la Maison');
    await page.locator('.alert-warning .motif').filter({ hasText: motif }).waitFor();
    await page.getByText('Vincent Carrère a renvoyé la livraison (Foix)').waitFor();
    await shot('cmd-mdr-06-renvoyee');

    await page.getByRole('button', { name: 'Livrer à nouveau…' }).click();
    await page.getByLabel('Note de livraison').fill('Compte rendu et liste des 14 entreprises participantes joints.');
    await page.getByLabel(/Liens vers les documents/).fill('https://partage.laregion.fr/atelier-btp-foix.pdf\nhttps://partage.laregion.fr/participants-btp-foix.pdf');
    await page.getByRole('button', { name: 'Livrer à nouveau', exact: true }).click();
    await statut('livrée');
    await page.getByText(`${responsable.displayName} a livré (Foix)`).waitFor();
    expect(await page.locator('.alert-warning').count()).toBe(0);
    await page.getByRole('region', { name: 'Livraison' }).getByRole('link', { name: /participants-btp-foix/ }).waitFor();
    await shot('cmd-mdr-07-relivree');

    const read = await api.get(`/api/v1/affectations/${affectationFoix}`, { token: conseiller });
    expect(read.body).toMatchObject({ statut: 'livree', motifRenvoi: null, livraison: { liens: ['https://partage.laregion.fr/atelier-btp-foix.pdf', 'https://partage.laregion.fr/participants-btp-foix.pdf'] } });
  }, 120_000);

  it('the list shows the new state and filters by the commande’s state; the page holds at tablet width', async () => {
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Commandes reçues' }).click();
    await ligne().filter({ hasText: 'livrée' }).filter({ hasText: '100 %' }).waitFor();
    // By the Maison's own affectation (the API's statutAffectation), and by the commande's state.
    await page.getByLabel('Pour votre Maison').selectOption('a_traiter');
    await ligne().waitFor({ state: 'detached' });
    await page.getByLabel('Pour votre Maison').selectOption('livree');
    await ligne().waitFor();
    await page.getByLabel('Commandes', { exact: true }).selectOption('emise');
    await ligne().waitFor();
    await shot('cmd-mdr-08-liste-filtree');
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
    await web.shot(tablet.page, 'cmd-mdr-09-tablette');
    expect(await web.seriousA11yViolations(tablet.page)).toEqual([]);
    await tablet.context.close();
    expect(tablet.errors).toEqual([]);
  }, 120_000);
});
