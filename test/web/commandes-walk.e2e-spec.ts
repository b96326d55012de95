import type { Browser, Locator, Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/** The page's document, in the functions Playwright runs in the browser (the tests' TypeScript has no DOM types). */
declare const document: any;

const EMAILS = {
  conseiller: 'cabinet.conseiller@relais.demo',
  agentFoix: 'agent.foix@relais.demo',
  responsableFoix: 'responsable.foix@relais.demo',
  responsableLimoux: 'responsable.limoux@relais.demo',
  responsablePerpignan: 'responsable.perpignan@relais.demo',
};
const FOIX = 'Maison de Ma Région – Foix';
const LIMOUX = 'Maison de Ma Région – Limoux';
const PERPIGNAN = 'Maison de Ma Région – Perpignan';
const TITRE = 'Atelier de concertation sur les besoins en formation de la filière BTP';
const QUESTION = 'Faut-il inviter aussi les organismes de formation ?';
const REPONSE = 'Les entreprises d’abord ; les organismes de formation sont invités à la seconde partie.';
const MOTIF = 'La liste des entreprises participantes manque : joignez-la au compte rendu.';
/** The fil's integrity line (the shared timeline's; its other phrases are not asserted here). */
const FIL_INTEGRE = /Fil intègre, \d+ événements? vérifiés?/;

/**
 * Issue #12's walk, in Chromium against the real API, PostgreSQL and Redis, each step through
 * the screens of the user who takes it: the Cabinet's adviser drafts a three-MdR commande with
 * an incomplete brief (refused, each missing item next to its field), completes and issues it;
 * Foix's agent acknowledges it and asks a clarification, which the adviser answers; Foix ticks a
 * deliverable, reports progress and delivers; Limoux's and Perpignan's heads acknowledge and
 * deliver; the adviser sends Foix's delivery back (the motif is required) and validates the two
 * others; Foix's head reads the motif and delivers again; the adviser validates it and the
 * commande closes. Each role has its own browser context (its own session), as on separate desks.
 */
describe('web app: a three-MdR commande from an incomplete draft to its closure, across the role logins, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  const names: Record<keyof typeof EMAILS, string> = {} as never;
  /** The adviser's desk, Foix's desk, and one desk shared by Limoux's and Perpignan's heads. */
  let cabinet: Page;
  let foix: Page;
  let autres: Page;
  const errors: string[][] = [];
  let commandeId = '';
  let reference = '';
  let affectationFoix = '';

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    const users = await web.devUsers(api);
    for (const [key, email] of Object.entries(EMAILS) as Array<[keyof typeof EMAILS, string]>) {
      names[key] = users.find((u) => u.email === email)!.displayName;
      expect(names[key]).toBeTruthy();
    }
    browser = await web.launchChromium();
    for (const set of [(p: Page) => (cabinet = p), (p: Page) => (foix = p), (p: Page) => (autres = p)]) {
      const walk = await web.openPage(browser);
      set(walk.page);
      errors.push(walk.errors);
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /**
   * A screenshot of a main screen and its axe check. An axe run costs about 5 s on the CI's two
   * cores, so it is made once per screen and state that brings new elements (errors next to
   * fields, an open form, an alert); the other states get a screenshot only (`picture`).
   */
  const shot = (page: Page, name: string) => web.checkedShot(page, name);
  const picture = (page: Page, name: string) => web.shot(page, name);
  /** The text an element's aria-describedby points at (the message next to it). */
  const description = (locator: Locator) =>
    locator.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((id: string) => document.getElementById(id)?.textContent ?? '')
        .join(' | '),
    );

  // The Cabinet's follow-up page.
  const suivi = async () => {
    await cabinet.goto(`${api.baseUrl}/cabinet/commandes/${commandeId}`);
    await cabinet.getByRole('heading', { level: 1, name: `Commande ${reference}` }).waitFor();
  };
  const section = (maison: string) => cabinet.getByRole('region', { name: new RegExp(maison) });
  const matrix = () => cabinet.getByRole('table', { name: /Où en est chaque Maison/ });
  /** The state marked in a Maison's row of the roll-up matrix. */
  const etatDans = async (maison: string) => {
    const row = matrix().getByRole('row').filter({ has: cabinet.getByRole('rowheader', { name: maison }) });
    return (await row.locator('.rollup-cell .visually-hidden').textContent())?.trim();
  };
  const etats = async () => [await etatDans(FOIX), await etatDans(LIMOUX), await etatDans(PERPIGNAN)];

  // A Maison's side.
  const commandesRecues = async (page: Page) => {
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Commandes reçues' }).click();
    await page.getByRole('heading', { level: 1, name: 'Commandes reçues' }).waitFor();
    return page.getByRole('row').filter({ hasText: reference });
  };
  const statut = (page: Page, text: string) => page.locator('.status-line').filter({ hasText: text }).waitFor();
  const switchUser = async (page: Page, displayName: string) => {
    if (await page.getByRole('button', { name: 'Se déconnecter' }).count()) await web.signOut(page);
    await web.logInAs(page, api.baseUrl, displayName);
  };

  it('the adviser drafts an incomplete brief: issuing is refused, each missing item next to its field', async () => {
    await web.logInAs(cabinet, api.baseUrl, names.conseiller);
    await cabinet.getByRole('navigation').getByRole('link', { name: 'Nouvelle commande' }).click();
    await cabinet.getByRole('heading', { level: 1, name: 'Nouvelle commande' }).waitFor();
    await cabinet.getByLabel('Titre').fill(TITRE);
    await cabinet.getByLabel('Objectif').fill('Réunir les entreprises du BTP de chaque territoire et recueillir leurs besoins en formation.');
    await cabinet.getByLabel('Contexte (recommandé)').fill('Révision du plan régional de formation ; difficultés de recrutement signalées.');
    await cabinet.getByLabel('Échéance', { exact: true }).fill(web.parisDayIn(28));
    await cabinet.getByLabel('Livrable 1 : libellé').fill('Compte rendu de l’atelier');
    await cabinet.getByRole('button', { name: 'Ajouter un livrable' }).click();
    await cabinet.getByLabel('Livrable 2 : libellé').fill('Liste des entreprises participantes');
    await cabinet.getByLabel('Livrable 2 : échéance (facultatif)').fill(web.parisDayIn(21));
    for (const maison of [FOIX, LIMOUX, PERPIGNAN]) await cabinet.getByLabel(maison, { exact: true }).check();
    await cabinet.getByText('3 Maisons choisies.').waitFor();
    // Deliberately incomplete: no material, a contact with a name only.
    await cabinet.getByLabel('Contact 1 : nom').fill('Accueil du Cabinet');
    await picture(cabinet, 'cmdw-01-cabinet-nouvelle');
    await cabinet.getByRole('button', { name: 'Enregistrer le brouillon' }).click();

    await cabinet.getByRole('heading', { level: 1, name: /^Brouillon C-\d{4}-\d+$/ }).waitFor();
    reference = (await cabinet.getByRole('heading', { level: 1 }).textContent())!.replace('Brouillon ', '');
    commandeId = new URL(cabinet.url()).pathname.split('/')[3];
    await cabinet.getByText('Incomplet : 3 éléments à compléter avant d’émettre.').waitFor();

    const emettre = cabinet.getByRole('button', { name: 'Émettre la commande' });
    expect(await emettre.getAttribute('aria-disabled')).toBe('true');
    expect(await description(emettre)).toMatch(/Impossible d’émettre : 3 éléments du cahier des charges sont à compléter/);
    // aria-disabled, not disabled: it stays reachable, and pressing it says why nothing is sent.
    await emettre.focus();
    await cabinet.keyboard.press('Enter');
    await cabinet.getByRole('alert').filter({ hasText: 'Commande non émise' }).waitFor();
    expect(await description(cabinet.getByRole('group', { name: 'Matériel fourni aux Maisons' }))).toMatch(/Listez le matériel fourni aux Maisons/);
    expect(await description(cabinet.getByLabel('Contact 1 : rôle'))).toMatch(/Le rôle du contact est obligatoire/);
    expect(await description(cabinet.getByLabel('Contact 1 : e-mail'))).toMatch(/Donnez une adresse e-mail ou un téléphone/);
    expect(await description(cabinet.getByLabel('Contact 1 : nom'))).toBe('');
    expect(await description(cabinet.getByLabel('Titre'))).toBe('');
    // Focus went to the first field to complete.
    expect(await cabinet.evaluate(() => document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent)).toBe('Matériel fourni aux Maisons');
    // The API refuses it too, with the same list.
    const refused = await api.post(`/api/v1/commandes/${commandeId}/emettre`, {}, { token: await api.login(EMAILS.conseiller) });
    expect({ status: refused.status, manquants: refused.body.manquants }).toEqual({ status: 422, manquants: ['materiel', 'contacts[0].role', 'contacts[0].email'] });
    await shot(cabinet, 'cmdw-02-cabinet-emission-refusee');
  }, 180_000);

  it('the adviser completes the brief (saved as she types, checked again) and issues it to the three Maisons', async () => {
    await cabinet.getByRole('button', { name: 'Ajouter du matériel' }).click();
    await cabinet.getByLabel('Matériel 1').fill('Questionnaire aux entreprises');
    await cabinet.getByLabel('Contact 1 : rôle').fill('Secrétariat du conseiller technique');
    await cabinet.getByLabel('Contact 1 : téléphone').fill('05 36 49 00 01');
    await cabinet.getByText('Complet : la commande peut être émise.').waitFor({ timeout: 15_000 });
    await cabinet.waitForFunction(() => document.querySelector('button[aria-describedby="emettre-explication"]')?.getAttribute('aria-disabled') === 'false');
    expect(await cabinet.locator('.field-missing').count()).toBe(0);
    await cabinet.getByText(/Brouillon enregistré/).waitFor();
    await picture(cabinet, 'cmdw-03-cabinet-brouillon-complet');

    await cabinet.getByRole('button', { name: 'Émettre la commande' }).click();
    await cabinet.getByRole('heading', { level: 1, name: `Commande ${reference}` }).waitFor();
    await cabinet.locator('.commande-status').getByText('émise', { exact: true }).waitFor();
    expect(await etats()).toEqual(['envoyée', 'envoyée', 'envoyée']);
    await cabinet.getByText(FIL_INTEGRE).waitFor();
    await picture(cabinet, 'cmdw-04-cabinet-suivi-emise');
  }, 120_000);

  it('Foix’s agent finds it in "Commandes reçues", acknowledges it and asks a clarification (the question is required)', async () => {
    await web.logInAs(foix, api.baseUrl, names.agentFoix);
    const ligne = await commandesRecues(foix);
    await ligne.waitFor();
    expect(await ligne.textContent()).toMatch(/Atelier de concertation.*Cabinet.*à accuser réception.*0 %.*0 livrable sur 2/);
    await shot(foix, 'cmdw-05-foix-commandes-recues');

    await ligne.getByRole('link', { name: TITRE }).click();
    await foix.getByRole('heading', { level: 1, name: TITRE }).waitFor();
    affectationFoix = new URL(foix.url()).pathname.split('/')[2];
    await statut(foix, 'à accuser réception');
    await foix.getByRole('region', { name: 'Cahier des charges' }).getByText('Questionnaire aux entreprises').waitFor();
    const actions = foix.getByRole('region', { name: 'Actions' });
    // Only what the affectation allows now: no delivery, no deliverable to tick yet.
    expect(await actions.getByRole('button', { name: /Livrer/ }).count()).toBe(0);
    expect(await foix.getByRole('checkbox').count()).toBe(0);
    await foix.getByText(FIL_INTEGRE).waitFor();
    await picture(foix, 'cmdw-06-foix-affectation-recue');

    await actions.getByRole('button', { name: 'Accuser réception' }).click();
    await statut(foix, 'réception accusée');
    expect(await actions.getByRole('button', { name: 'Accuser réception' }).count()).toBe(0);

    await foix.getByRole('button', { name: 'Demander une clarification…' }).click();
    await foix.getByRole('button', { name: 'Envoyer la question' }).click();
    await foix.locator('#clarification-question-erreur').waitFor();
    expect(await foix.getByLabel('Votre question à l’émetteur').getAttribute('aria-invalid')).toBe('true');
    await foix.getByLabel('Votre question à l’émetteur').fill(QUESTION);
    await foix.getByRole('button', { name: 'Envoyer la question' }).click();
    await statut(foix, 'clarification demandée');
    const clarifications = foix.getByRole('region', { name: 'Clarifications' });
    await clarifications.getByText(QUESTION).waitFor();
    await clarifications.getByText('En attente de réponse').waitFor();
    await picture(foix, 'cmdw-07-foix-clarification-demandee');
  }, 120_000);

  it('the adviser reads the question on her follow-up page and answers it', async () => {
    await suivi();
    expect(await etats()).toEqual(['clarification demandée', 'envoyée', 'envoyée']);
    await cabinet.getByText('1 question en attente de réponse').waitFor();
    const panel = section(FOIX);
    await panel.locator('.cab-clarification').getByText(QUESTION).waitFor();
    await shot(cabinet, 'cmdw-08-cabinet-question');

    await panel.getByLabel(`Votre réponse à ${FOIX}`).fill(REPONSE);
    await panel.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await cabinet.waitForFunction((nom) => {
      const row = [...document.querySelectorAll('table.rollup tbody tr')].find((r) => r.querySelector('th')?.textContent === nom);
      return row?.querySelector('.rollup-cell .visually-hidden')?.textContent === 'accusée';
    }, FOIX);
    expect(await panel.getByRole('button', { name: 'Envoyer la réponse' }).count()).toBe(0);
    await cabinet.getByText(REPONSE).first().waitFor();
  }, 120_000);

  it('Foix reads the answer, ticks a deliverable, reports progress (over 100 % refused next to the field) and delivers (the note is required)', async () => {
    await foix.reload();
    await statut(foix, 'réception accusée');
    await foix.getByRole('region', { name: 'Clarifications' }).getByText(REPONSE).waitFor();

    await foix.getByLabel('Liste des entreprises participantes').check();
    await foix.getByLabel('Avancement (en %)').fill('150');
    await foix.getByRole('button', { name: 'Signaler l’avancement' }).click();
    await foix.locator('#avancement-pourcentage-erreur').waitFor();
    expect(await foix.getByLabel('Avancement (en %)').getAttribute('aria-invalid')).toBe('true');
    expect(await description(foix.getByLabel('Avancement (en %)'))).not.toBe('');
    await foix.getByLabel('Avancement (en %)').fill('60');
    await foix.getByLabel('Note pour l’émetteur (facultatif)').fill('Atelier fixé au jeudi, 14 entreprises inscrites.');
    await foix.getByRole('button', { name: 'Signaler l’avancement' }).click();
    await statut(foix, 'en cours');
    await foix.getByText('Avancement enregistré.').waitFor();
    await foix.getByRole('group', { name: 'Livrables faits (1 sur 2)' }).waitFor();
    expect(await foix.getByLabel('Liste des entreprises participantes').isChecked()).toBe(true);
    expect(await foix.locator('.progress-line').textContent()).toContain('60 %');
    await shot(foix, 'cmdw-09-foix-avancement');

    await foix.getByRole('button', { name: 'Livrer…' }).click();
    await foix.getByRole('button', { name: 'Livrer', exact: true }).click();
    await foix.locator('#livrer-note-erreur').waitFor();
    expect(await foix.getByLabel('Note de livraison').getAttribute('aria-invalid')).toBe('true');
    await foix.getByLabel('Note de livraison').fill('Compte rendu de l’atelier joint.');
    await foix.getByLabel(/Liens vers les documents/).fill('https://partage.laregion.fr/atelier-btp-foix.pdf');
    await foix.getByRole('button', { name: 'Livrer', exact: true }).click();
    await statut(foix, 'livrée');
    await foix.getByRole('region', { name: 'Livraison' }).getByRole('link', { name: 'https://partage.laregion.fr/atelier-btp-foix.pdf' }).waitFor();
    // Nothing more to do until the Cabinet validates or sends it back.
    await foix.getByText('Aucune action possible pour vous sur cette commande maintenant.').waitFor();
    expect(await foix.getByRole('checkbox').count()).toBe(0);
    await shot(foix, 'cmdw-10-foix-livree');
  }, 120_000);

  it('Limoux’s and Perpignan’s heads, each through their own login, acknowledge and deliver', async () => {
    const deliveries: Array<[string, string, string]> = [
      [names.responsableLimoux, 'Limoux', 'Atelier tenu à Limoux ; compte rendu et liste joints.'],
      [names.responsablePerpignan, 'Perpignan', 'Atelier tenu à Perpignan ; compte rendu et liste joints.'],
    ];
    for (const [user, ville, note] of deliveries) {
      await switchUser(autres, user);
      const ligne = await commandesRecues(autres);
      await ligne.getByRole('link', { name: TITRE }).click();
      await statut(autres, `(${ville})`);
      await statut(autres, 'à accuser réception');
      await autres.getByRole('region', { name: 'Actions' }).getByRole('button', { name: 'Accuser réception' }).click();
      await statut(autres, 'réception accusée');
      await autres.getByRole('button', { name: 'Livrer…' }).click();
      await autres.getByLabel('Note de livraison').fill(note);
      await autres.getByRole('button', { name: 'Livrer', exact: true }).click();
      await statut(autres, 'livrée');
      // Every Maison follows where the others stand.
      const maisons = autres.getByRole('region', { name: 'Avancement des Maisons' });
      await maisons.getByRole('row').filter({ hasText: 'Foix' }).filter({ hasText: 'livrée' }).waitFor();
      if (ville === 'Limoux') await picture(autres, 'cmdw-11-limoux-livree');
    }
  }, 120_000);

  it('the adviser sends Foix’s delivery back (the motif is required, said next to it) and validates the two others', async () => {
    await suivi();
    expect(await etats()).toEqual(['livrée', 'livrée', 'livrée']);
    await cabinet.getByText('3 livraisons à valider').waitFor();
    const panel = section(FOIX);
    await panel.getByText('Compte rendu de l’atelier joint.').waitFor();
    await panel.getByRole('link', { name: 'https://partage.laregion.fr/atelier-btp-foix.pdf' }).waitFor();
    await picture(cabinet, 'cmdw-12-cabinet-livraisons');

    await panel.getByRole('button', { name: 'Renvoyer la livraison…' }).click();
    await panel.getByRole('button', { name: 'Renvoyer la livraison', exact: true }).click();
    const motif = panel.getByLabel(`Motif du renvoi à ${FOIX}`);
    await cabinet.waitForFunction(() => document.querySelector('textarea[aria-invalid="true"]') !== null);
    expect(await motif.getAttribute('aria-invalid')).toBe('true');
    expect(await description(motif)).toMatch(/motif/i);
    await shot(cabinet, 'cmdw-13-cabinet-renvoi-motif-requis');
    await motif.fill(MOTIF);
    await panel.getByRole('button', { name: 'Renvoyer la livraison', exact: true }).click();
    await panel.getByText('Motif du renvoi :').waitFor();
    await panel.getByText(MOTIF).waitFor();
    expect(await etatDans(FOIX)).toBe('renvoyée');

    for (const maison of [LIMOUX, PERPIGNAN]) {
      await section(maison).getByRole('button', { name: 'Valider la livraison' }).click();
      await section(maison).locator('h3').getByText('validée').waitFor();
    }
    expect(await etats()).toEqual(['renvoyée', 'validée', 'validée']);
    await cabinet.locator('.commande-status').getByText('émise', { exact: true }).waitFor();
  }, 120_000);

  it('Foix’s head reads the motif and delivers again', async () => {
    await switchUser(foix, names.responsableFoix);
    const ligne = await commandesRecues(foix);
    await ligne.filter({ hasText: 'renvoyée à la Maison' }).waitFor();
    await ligne.getByRole('link', { name: TITRE }).click();
    await statut(foix, 'renvoyée à la Maison');
    await foix.locator('.alert-warning .motif').filter({ hasText: MOTIF }).waitFor();
    await shot(foix, 'cmdw-14-foix-renvoyee');

    await foix.getByRole('button', { name: 'Livrer à nouveau…' }).click();
    await foix.getByLabel('Note de livraison').fill('Compte rendu et liste des 14 entreprises participantes joints.');
    await foix.getByLabel(/Liens vers les documents/).fill('https://partage.laregion.fr/atelier-btp-foix.pdf\nhttps://partage.laregion.fr/participants-btp-foix.pdf');
    await foix.getByRole('button', { name: 'Livrer à nouveau', exact: true }).click();
    await statut(foix, 'livrée');
    expect(await foix.locator('.alert-warning').count()).toBe(0);
    await foix.getByRole('region', { name: 'Livraison' }).getByRole('link', { name: /participants-btp-foix/ }).waitFor();
  }, 120_000);

  it('the adviser validates it: the matrix shows every Maison validated and the commande is closed', async () => {
    await suivi();
    expect(await etats()).toEqual(['livrée', 'validée', 'validée']);
    const panel = section(FOIX);
    await panel.getByText('Compte rendu et liste des 14 entreprises participantes joints.').waitFor();
    await panel.getByRole('button', { name: 'Valider la livraison' }).click();
    await panel.locator('h3').getByText('validée').waitFor();
    await cabinet.locator('.commande-status').getByText('close', { exact: true }).waitFor();
    expect(await etats()).toEqual(['validée', 'validée', 'validée']);
    const totals = matrix().getByRole('row').filter({ has: cabinet.getByRole('rowheader', { name: 'Total' }) });
    // envoyée, accusée, en cours, clarification, livrée, renvoyée, validée, retirée.
    expect((await totals.getByRole('cell').allTextContents()).slice(0, 8)).toEqual(['0', '0', '0', '0', '0', '0', '3', '0']);
    await cabinet.getByText('Close le').waitFor();
    await cabinet.getByText('rien pour l’instant').waitFor();
    expect(await cabinet.getByRole('button', { name: /Valider|Renvoyer/ }).count()).toBe(0);
    await cabinet.getByText(FIL_INTEGRE).waitFor();
    await shot(cabinet, 'cmdw-15-cabinet-close');

    // Foix sees its delivery validated.
    await foix.reload();
    await statut(foix, 'validée');
    await foix.locator('.alert-success').waitFor();
    await picture(foix, 'cmdw-16-foix-validee');

    const read = await api.get(`/api/v1/affectations/${affectationFoix}`, { token: await api.login(EMAILS.conseiller) });
    expect(read.body).toMatchObject({ statut: 'validee', motifRenvoi: null, livraison: { liens: ['https://partage.laregion.fr/atelier-btp-foix.pdf', 'https://partage.laregion.fr/participants-btp-foix.pdf'] } });
    expect(errors).toEqual([[], [], []]);
  }, 120_000);
});
