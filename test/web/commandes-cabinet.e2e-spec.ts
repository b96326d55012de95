import type { Browser, Locator, Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/** The page's document, in the functions Playwright runs in the browser (the tests' TypeScript has no DOM types). */
declare const document: any;

const EMAILS = {
  conseiller: 'cabinet.conseiller@relais.demo',
  agentFoix: 'agent.foix@relais.demo',
  responsableLimoux: 'responsable.limoux@relais.demo',
  responsablePerpignan: 'responsable.perpignan@relais.demo',
};
const FOIX = 'Maison de Ma Région – Foix';
const LIMOUX = 'Maison de Ma Région – Limoux';
const PERPIGNAN = 'Maison de Ma Région – Perpignan';

/** A Paris calendar day `days` from now, as a date input takes it. */
function dayIn(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

/**
 * The Cabinet's side of the three-MdR commande, in Chromium against the real API: an
 * incomplete draft is refused with each missing item next to its field, completed and
 * issued; the Maisons (through the API) acknowledge, ask a question and deliver; the adviser
 * answers, sends one delivery back with a motif, validates the others, and the roll-up follows.
 */
describe('web app: the Cabinet drafts, issues and follows a three-MdR commande, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let conseiller: { displayName: string };
  let commandeId = '';
  let reference = '';

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    const users = (await api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string }>;
    conseiller = users.find((u) => u.email === EMAILS.conseiller)!;
    expect(conseiller).toBeDefined();
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const shot = async (name: string) => {
    await web.shot(page, name);
    expect({ screen: name, violations: await web.seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
  };
  /** The text an input's aria-describedby points at (the message next to it). */
  const description = (locator: Locator) =>
    locator.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter(Boolean)
        .map((id: string) => document.getElementById(id)?.textContent ?? '')
        .join(' | '),
    );
  const section = (maison: string) => page.getByRole('region', { name: new RegExp(maison) });
  /** The state marked in a Maison's row of the roll-up matrix. */
  const etatDans = async (maison: string) => {
    const row = page.getByRole('table', { name: /Où en est chaque Maison/ }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: maison }) });
    return (await row.locator('.rollup-cell .visually-hidden').textContent())?.trim();
  };
  const post = async (path: string, email: string, body: unknown = {}) => {
    const res = await api.post(`/api/v1${path}`, body, { token: await api.login(email) });
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    return res.body;
  };

  it('the adviser drafts an incomplete brief; issuing is refused with each missing item next to its field', async () => {
    await web.logInAs(page, api.baseUrl, conseiller.displayName);
    await page.getByRole('heading', { level: 1, name: 'Commandes' }).waitFor();
    await page.getByRole('link', { name: 'Nouvelle commande' }).first().waitFor();
    await shot('cmd-cab-01-liste');

    await page.getByRole('navigation').getByRole('link', { name: 'Nouvelle commande' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouvelle commande' }).waitFor();
    await page.getByLabel('Titre').fill('Atelier de concertation sur les besoins en formation de la filière BTP');
    await page.getByLabel('Objectif').fill('Réunir les entreprises du BTP de chaque territoire et recueillir leurs besoins en formation.');
    await page.getByLabel('Contexte (recommandé)').fill('Révision du plan régional de formation ; difficultés de recrutement signalées.');
    await page.getByLabel('Échéance', { exact: true }).fill(dayIn(28));
    await page.getByLabel('Livrable 1 : libellé').fill('Compte rendu de l’atelier');
    await page.getByRole('button', { name: 'Ajouter un livrable' }).click();
    await page.getByLabel('Livrable 2 : libellé').fill('Liste des entreprises participantes');
    await page.getByLabel('Livrable 2 : échéance (facultatif)').fill(dayIn(21));
    for (const maison of [FOIX, LIMOUX, PERPIGNAN]) await page.getByLabel(maison, { exact: true }).check();
    await page.getByText('3 Maisons choisies.').waitFor();
    // Deliberately incomplete: no material, a contact with a name only.
    await page.getByLabel('Contact 1 : nom').fill('Accueil du Cabinet');
    await shot('cmd-cab-02-nouvelle');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();

    await page.getByRole('heading', { level: 1, name: /^Brouillon C-\d{4}-\d+$/ }).waitFor();
    reference = (await page.getByRole('heading', { level: 1 }).textContent())!.replace('Brouillon ', '');
    commandeId = new URL(page.url()).pathname.split('/')[3];
    await page.getByText('Incomplet : 3 éléments à compléter avant d’émettre.').waitFor();

    const emettre = page.getByRole('button', { name: 'Émettre la commande' });
    expect(await emettre.getAttribute('aria-disabled')).toBe('true');
    expect(await description(emettre)).toMatch(/Impossible d’émettre : 3 éléments du cahier des charges sont à compléter/);
    // aria-disabled, not disabled: it stays reachable, and pressing it says why nothing is sent.
    await emettre.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Commande non émise' }).waitFor();
    // Each missing item sits next to its own field.
    expect(await description(page.getByRole('group', { name: 'Matériel fourni aux Maisons' }))).toMatch(/Listez le matériel fourni aux Maisons/);
    expect(await description(page.getByLabel('Contact 1 : rôle'))).toMatch(/Le rôle du contact est obligatoire/);
    expect(await description(page.getByLabel('Contact 1 : e-mail'))).toMatch(/Donnez une adresse e-mail ou un téléphone/);
    expect(await description(page.getByLabel('Contact 1 : nom'))).toBe('');
    expect(await description(page.getByLabel('Titre'))).toBe('');
    // Focus went to the first field to complete.
    expect(await page.evaluate(() => document.activeElement?.closest('fieldset')?.querySelector('legend')?.textContent)).toBe('Matériel fourni aux Maisons');
    // The API refuses it too: the same list.
    const refused = await api.post(`/api/v1/commandes/${commandeId}/emettre`, {}, { token: await api.login(EMAILS.conseiller) });
    expect(refused.status).toBe(422);
    expect(refused.body.manquants).toEqual(['materiel', 'contacts[0].role', 'contacts[0].email']);
    await shot('cmd-cab-03-emission-refusee');
  }, 180_000);

  it('the adviser completes the brief (saved as she types, checked again) and issues it', async () => {
    await page.getByRole('button', { name: 'Ajouter du matériel' }).click();
    await page.getByLabel('Matériel 1').fill('Questionnaire aux entreprises');
    await page.getByLabel('Contact 1 : rôle').fill('Secrétariat du conseiller technique');
    await page.getByLabel('Contact 1 : téléphone').fill('05 36 49 00 01');
    await page.getByText('Complet : la commande peut être émise.').waitFor({ timeout: 15_000 });
    const emettre = page.getByRole('button', { name: 'Émettre la commande' });
    await page.waitForFunction(() => document.querySelector('button[aria-describedby="emettre-explication"]')?.getAttribute('aria-disabled') === 'false');
    expect(await page.locator('.field-missing').count()).toBe(0);
    await page.getByText(/Brouillon enregistré/).waitFor();
    await shot('cmd-cab-04-brouillon-complet');
    // At tablet width the check comes first, above the form.
    await page.setViewportSize({ width: 768, height: 1024 });
    const [panel, form] = await Promise.all([
      page.getByRole('region', { name: 'Vérification du cahier des charges' }).boundingBox(),
      page.getByRole('form', { name: 'Cahier des charges' }).boundingBox(),
    ]);
    expect(panel!.y).toBeLessThan(form!.y);
    await shot('cmd-cab-04b-brouillon-tablette');
    await page.setViewportSize({ width: 1280, height: 900 });

    await emettre.click();
    await page.getByRole('heading', { level: 1, name: `Commande ${reference}` }).waitFor();
    await page.locator('.commande-status').getByText('émise', { exact: true }).waitFor();
    for (const maison of [FOIX, LIMOUX, PERPIGNAN]) expect(await etatDans(maison)).toBe('envoyée');
    await page.getByText(/a émis la commande vers 3 Maisons/).waitFor();
    await page.getByText(/Fil intègre, \d+ événements vérifiés/).waitFor();
    await shot('cmd-cab-05-suivi-emise');
  }, 120_000);

  it('the Maisons acknowledge, Foix asks a question, Limoux and Perpignan deliver; the adviser answers the question', async () => {
    const commande = (await api.get(`/api/v1/commandes/${commandeId}`, { token: await api.login(EMAILS.conseiller) })).body;
    const aff = (nom: string) => commande.affectations.find((a: any) => a.maison.nom === nom);
    await post(`/affectations/${aff(FOIX).id}/accuser-reception`, EMAILS.agentFoix);
    await post(`/affectations/${aff(LIMOUX).id}/accuser-reception`, EMAILS.responsableLimoux);
    await post(`/affectations/${aff(PERPIGNAN).id}/accuser-reception`, EMAILS.responsablePerpignan);
    await post(`/affectations/${aff(FOIX).id}/demander-clarification`, EMAILS.agentFoix, { question: 'Faut-il inviter aussi les organismes de formation ?' });
    await post(`/affectations/${aff(LIMOUX).id}/livrer`, EMAILS.responsableLimoux, { note: 'Atelier tenu à Limoux ; compte rendu joint.', liens: ['https://partage.laregion.fr/btp-limoux.pdf'] });
    await post(`/affectations/${aff(PERPIGNAN).id}/livrer`, EMAILS.responsablePerpignan, { note: 'Atelier tenu à Perpignan ; compte rendu et liste joints.' });

    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Commande ${reference}` }).waitFor();
    expect(await etatDans(FOIX)).toBe('clarification demandée');
    expect(await etatDans(LIMOUX)).toBe('livrée');
    expect(await etatDans(PERPIGNAN)).toBe('livrée');
    await page.getByText('1 question en attente de réponse, 2 livraisons à valider').waitFor();
    const foix = section(FOIX);
    await foix.getByText('Faut-il inviter aussi les organismes de formation ?').first().waitFor();
    await shot('cmd-cab-06-question-et-livraisons');

    await foix.getByLabel(`Votre réponse à ${FOIX}`).fill('Les entreprises d’abord ; les organismes de formation sont invités à la seconde partie.');
    await foix.getByRole('button', { name: 'Envoyer la réponse' }).click();
    await page.waitForFunction((nom) => {
      const row = [...document.querySelectorAll('table.rollup tbody tr')].find((r) => r.querySelector('th')?.textContent === nom);
      return row?.querySelector('.rollup-cell .visually-hidden')?.textContent === 'accusée';
    }, FOIX);
    await page.getByText(/a répondu à la demande de clarification \(Foix\)/).waitFor();
    expect(await foix.getByRole('button', { name: 'Envoyer la réponse' }).count()).toBe(0);
  }, 120_000);

  it('the adviser sends Limoux’s delivery back (the motif is required, said next to it), validates the others, and the matrix follows', async () => {
    // Foix delivers once answered.
    const commande = (await api.get(`/api/v1/commandes/${commandeId}`, { token: await api.login(EMAILS.conseiller) })).body;
    const foixId = commande.affectations.find((a: any) => a.maison.nom === FOIX).id;
    await post(`/affectations/${foixId}/livrer`, EMAILS.agentFoix, { note: 'Atelier tenu à Foix.' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Commande ${reference}` }).waitFor();
    expect(await etatDans(FOIX)).toBe('livrée');

    const limoux = section(LIMOUX);
    await limoux.getByText('Atelier tenu à Limoux ; compte rendu joint.').waitFor();
    await limoux.getByRole('button', { name: 'Renvoyer la livraison…' }).click();
    await limoux.getByRole('button', { name: 'Renvoyer la livraison', exact: true }).click();
    const motif = limoux.getByLabel(`Motif du renvoi à ${LIMOUX}`);
    await page.waitForFunction(() => document.querySelector('[aria-invalid="true"]') !== null);
    expect(await motif.getAttribute('aria-invalid')).toBe('true');
    expect(await description(motif)).toMatch(/motif/i);
    await shot('cmd-cab-07-renvoi-motif-requis');
    await motif.fill('Il manque la liste des entreprises présentes.');
    await limoux.getByRole('button', { name: 'Renvoyer la livraison', exact: true }).click();
    await limoux.getByText('Motif du renvoi :').waitFor();
    expect(await etatDans(LIMOUX)).toBe('renvoyée');

    await section(FOIX).getByRole('button', { name: 'Valider la livraison' }).click();
    await section(FOIX).locator('h3').getByText('validée').waitFor();
    await section(PERPIGNAN).getByRole('button', { name: 'Valider la livraison' }).click();
    await section(PERPIGNAN).locator('h3').getByText('validée').waitFor();
    expect([await etatDans(FOIX), await etatDans(LIMOUX), await etatDans(PERPIGNAN)]).toEqual(['validée', 'renvoyée', 'validée']);
    const totals = page.getByRole('table', { name: /Où en est chaque Maison/ }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Total' }) });
    expect(await totals.getByRole('cell').allTextContents()).toEqual(['0', '0', '0', '0', '0', '1', '2', '0', expect.stringMatching(/% en moyenne$/), 'Aucun retard']);
    await page.getByText(/a renvoyé la livraison \(Limoux\)/).waitFor();
    await page.getByText('Il manque la liste des entreprises présentes.').first().waitFor();
    await shot('cmd-cab-08-suivi-apres-validation');

    // A note inside the Cabinet, on the fil, marked as such.
    const ecrire = page.getByRole('region', { name: 'Écrire sur le fil' });
    await ecrire.getByRole('radio', { name: 'Note interne : le Cabinet seulement' }).check();
    await ecrire.getByLabel('Texte de la note interne').fill('Penser à remercier les Maisons à la clôture.');
    await ecrire.getByRole('button', { name: 'Enregistrer la note interne' }).click();
    await ecrire.getByText('Note interne enregistrée, visible du Cabinet seulement.').waitFor();
    const note = page.locator('.event-interne').filter({ hasText: 'Penser à remercier les Maisons à la clôture.' });
    await note.getByText('Note interne', { exact: true }).waitFor();
    expect(await note.locator('.event-text').textContent()).toBe(`${conseiller.displayName} a écrit une note interne`);
    expect(await ecrire.getByLabel('Texte de la note interne').inputValue()).toBe('');

    // At tablet width the roll-up stays usable.
    await page.setViewportSize({ width: 768, height: 1024 });
    await shot('cmd-cab-09-suivi-tablette');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The list shows where it stands.
    await page.getByRole('navigation').getByRole('link', { name: 'Commandes', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Commandes' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: reference });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/émise/);
    await page.getByLabel('Statut').selectOption('brouillon');
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Statut').selectOption('emise');
    await row.waitFor();
    await shot('cmd-cab-10-liste-emises');
    expect(errors).toEqual([]);
  }, 180_000);
});
