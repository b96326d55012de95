import { readFileSync } from 'node:fs';
import { rebuildDashboardAggregates } from '@app/dashboards';
import type { Browser, Page } from 'playwright-core';
import { briefComplet, commandeFixture, EMAILS as CMD } from '../commandes/fixtures';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';
import * as web from './browser';

/** A local day in Paris, 'yyyy-mm-dd', `days` after today. */
const jourParis = (days = 0) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));

/**
 * The manager's dashboards in Chromium, on activity driven through the API (and the SLA worker
 * for a breach): the network's SLA dashboard with its charts, the perimeter and period filters
 * kept in the URL, the CSV download, then the commandes dashboard.
 *
 * Activity: four questions escalated to the Direction du Tourisme, three from Carcassonne (A
 * claimed and answered on time, B waiting, C claimed after its claim target of 2 s had passed
 * and its answer target breached) and one from Foix (D waiting); a Cabinet commande to Foix,
 * Limoux and Perpignan, Foix at 50 % with one deliverable done.
 */
describe('web app: the manager’s SLA and commandes dashboards, in Chromium', () => {
  let fx: SlaFixture;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let commande: any;
  let manager: { displayName: string };
  let maisons: Record<'carcassonne' | 'foix', { id: string; nom: string }>;

  beforeAll(async () => {
    web.ensureWebBuild();
    fx = await SlaFixture.start('relais_test_web_tdb', 11, { CAPITALISATION_SEUIL: '3' });
    const api = fx.api;
    const as = async (email: string, method: string, path: string, body?: unknown) => {
      const res = await api.request(method, path, { token: await api.login(email), body });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
      return res.body;
    };
    const [{ id: eceau }] = await fx.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const escalated = async (agent: string) => {
      const q = await as(agent, 'POST', '/api/v1/questions', questionBody({ dispositifId: eceau }));
      await as(agent, 'POST', `/api/v1/questions/${q.id}/escalader`, {});
      return q.id as string;
    };
    const a = await escalated(EMAILS.agentCarcassonne);
    await as(EMAILS.referentTourisme, 'POST', `/api/v1/questions/${a}/prendre-en-charge`, {});
    await as(EMAILS.referentTourisme, 'POST', `/api/v1/questions/${a}/repondre`, { reponse: 'Le camping est éligible à Ec’Eau Tourisme.' });
    await escalated(EMAILS.agentCarcassonne);
    await escalated('agent.foix@relais.demo');
    // C: targets of seconds, so the SLA worker breaches both clocks; then claimed, late.
    await fx.setTargets({ prise_en_charge: 0.03, reponse: 0.05 });
    const c = await escalated(EMAILS.agentCarcassonne);
    await fx.waitFor(async () => (await fx.query(`SELECT 1 FROM sla_horloge WHERE ticket_id = $1 AND etat = 'breached'`, [c])).length === 2, 20_000, 'both breaches');
    await as(EMAILS.referentTourisme, 'POST', `/api/v1/questions/${c}/prendre-en-charge`, {});
    await fx.waitFor(async () => (await fx.query(`SELECT 1 FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'prise_en_charge' AND etat = 'met'`, [c])).length === 1, 10_000, 'late claim');
    // The period's figures come from the daily roll-up the worker refreshes every minute: now.
    await rebuildDashboardAggregates(fx.scratch.dataSource);

    const ids = await commandeFixture(fx.scratch.dataSource);
    const brief = briefComplet(ids, {
      echeance: jourParis(21),
      livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des entreprises participantes', echeance: jourParis(14) }],
    });
    const draft = await as(CMD.conseiller, 'POST', '/api/v1/commandes', brief);
    commande = await as(CMD.conseiller, 'POST', `/api/v1/commandes/${draft.id}/emettre`, {});
    const foix = commande.affectations.find((x: any) => x.maison.id === ids.foix).id;
    await as(CMD.responsableFoix, 'POST', `/api/v1/affectations/${foix}/accuser-reception`, {});
    await as(CMD.responsableFoix, 'POST', `/api/v1/affectations/${foix}/avancement`, { pourcentage: 50, livrablesFaits: [commande.livrables[0].id] });

    const users = (await api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string }>;
    manager = users.find((u) => u.email === EMAILS.managerReseau)!;
    const [carcassonne] = await fx.query(`SELECT id, nom FROM maison WHERE code = 'carcassonne'`);
    const [foixMaison] = await fx.query(`SELECT id, nom FROM maison WHERE code = 'foix'`);
    maisons = { carcassonne, foix: foixMaison };
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser, { acceptDownloads: true }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  const shot = async (name: string) => {
    await web.shot(page, name);
    // Every main screen is checked with axe as it is shown: no serious or critical violation.
    expect({ screen: name, violations: await web.seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
  };
  /** The figure under a key-figure label ("Questions ouvertes" → "4"). */
  const chiffre = (libelle: string) => page.locator('.kpi').filter({ has: page.locator('dt', { hasText: new RegExp(`^${libelle}$`) }) }).locator('dd');
  const cells = (row: ReturnType<Page['locator']>) => row.locator('th, td').allTextContents();

  it('the network manager lands on the SLA dashboard: figures now and over the period, every chart drawn with its table', async () => {
    await web.logInAs(page, fx.api.baseUrl, manager.displayName);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord SLA' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tableaux-de-bord/sla');
    await page.getByText('Réseau des Maisons de la Région', { exact: true }).waitFor();
    expect(await chiffre('Questions ouvertes').textContent()).toBe('4');
    expect(await chiffre('Délai dépassé').textContent()).toBe('1');
    expect(await chiffre('À risque').textContent()).toBe('0');

    // Compliance per clock: A claimed on time, C late; A answered on time.
    const conformite = page.getByRole('figure', { name: 'Conformité par horloge' });
    expect(await cells(conformite.locator('tr').filter({ hasText: 'Prise en charge' }))).toEqual(['Prise en charge', '2', '1', '50 %']);
    expect(await cells(conformite.locator('tr').filter({ hasText: 'Réponse' }))).toEqual(['Réponse', '1', '1', '100 %']);
    // Every chart is an image named by its figures, and drawn (recharts' SVG has bars or a line).
    for (const titre of ['Ancienneté des ouverts', 'Conformité par horloge', 'Conformité par semaine', 'Temps par détenteur', 'Par direction', 'Par Maison de la Région', 'Par référent']) {
      const figure = page.getByRole('figure', { name: titre });
      await figure.locator('svg.recharts-surface').first().waitFor();
      expect(await figure.locator('.chart-area[role="img"]').getAttribute('aria-label')).toMatch(/\d/);
    }
    await page.getByRole('figure', { name: 'Conformité par horloge' }).locator('.recharts-bar-rectangle path').first().waitFor();
    await page.getByRole('figure', { name: 'Conformité par semaine' }).locator('.recharts-line-dots circle').first().waitFor();
    // Breakdowns as visible tables: Carcassonne holds three open questions, one breached.
    const carcassonne = page.getByRole('figure', { name: 'Par Maison de la Région' }).locator('tr').filter({ hasText: maisons.carcassonne.nom });
    expect((await cells(carcassonne)).slice(0, 4)).toEqual([maisons.carcassonne.nom, '3', '0', '1']);
    // A folded table opens with the keyboard.
    const summary = page.getByRole('figure', { name: 'Ancienneté des ouverts' }).locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('figure', { name: 'Ancienneté des ouverts' }).getByRole('columnheader', { name: 'Ouverts' }).waitFor();
    await shot('tdb-01-sla-reseau');
  }, 120_000);

  it('changing the perimeter and the period changes the figures, and both stay in the URL', async () => {
    await page.getByLabel('Périmètre', { exact: true }).selectOption({ label: maisons.foix.nom });
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByText(maisons.foix.nom, { exact: true }).and(page.locator('strong')).waitFor();
    expect(new URL(page.url()).searchParams.get('perimetre')).toBe(`maison:${maisons.foix.id}`);
    await chiffre('Questions ouvertes').filter({ hasText: /^1$/ }).waitFor();
    expect(await chiffre('Délai dépassé').textContent()).toBe('0');
    await page.getByText('Aucune horloge ne s’est terminée sur cette période.').waitFor();
    await shot('tdb-02-sla-maison');

    await page.getByLabel('Périmètre', { exact: true }).selectOption('reseau');
    await page.getByLabel('Du', { exact: true }).fill('2026-10-01');
    await page.getByLabel('Au', { exact: true }).fill('2026-10-31');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.getByText(/du 1 oct\. 2026 au 31 oct\. 2026/).waitFor();
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ perimetre: 'reseau', du: '2026-10-01', au: '2026-10-31' });
    // The open questions are live; nothing ended in October.
    expect(await chiffre('Questions ouvertes').textContent()).toBe('4');
    await page.getByText('Aucune horloge ne s’est terminée sur cette période.').waitFor();
    await shot('tdb-03-sla-periode');

    // A reload keeps the filters (they live in the URL).
    await page.reload();
    await page.getByText(/du 1 oct\. 2026 au 31 oct\. 2026/).waitFor();
    expect(await page.getByLabel('Du', { exact: true }).inputValue()).toBe('2026-10-01');
  }, 120_000);

  it('downloads the same figures as CSV under a French file name', async () => {
    await page.goto(`${fx.api.baseUrl}/tableaux-de-bord/sla?perimetre=reseau`);
    await page.getByText('Réseau des Maisons de la Région', { exact: true }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger en CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`tableau-de-bord-sla-${jourParis()}.csv`);
    const lines = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'Section;Libellé;Questions ouvertes;dont à risque;dont dépassées;Horloges terminées sur la période;dont dans les délais;Conformité (%);Médiane de résolution (minutes ouvrées);Temps détenu (minutes ouvrées)',
    );
    // Total: 4 open, 1 breached; 3 clocks ended (2 claims, 1 answer), 2 on time.
    expect(lines.find((l) => l.startsWith('Total;'))).toMatch(/^Total;Réseau des Maisons de la Région du \d{4}-\d\d-\d\d au \d{4}-\d\d-\d\d;4;0;1;3;2;66,7;/);
    expect(lines).toContain('Horloge;Prise en charge;;;;2;1;50;;');
    expect(errors).toEqual([]);
  }, 60_000);

  it('the commandes dashboard: per commande the assignments by state, progress and deliverables; per MdR on time and late', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Tableau des commandes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord des commandes' }).waitFor();
    const row = page.locator('tr').filter({ hasText: commande.reference });
    await row.waitFor();
    const c = await cells(row);
    expect(c[0]).toContain(commande.reference);
    expect(c[1]).toBe('Cabinet');
    // Foix at 50 %, Limoux and Perpignan not yet acknowledged: (50 + 0 + 0) / 3.
    expect(c[4]).toBe('3 : 2 envoyée, 1 en cours');
    expect(c[5]).toBe('0');
    expect(c[6]).toContain('17 %');
    expect(c[7]).toBe('1 sur 6');
    expect(await chiffre('Affectations reçues').textContent()).toBe('3');
    expect(await chiffre('En cours').textContent()).toBe('3');
    const foix = page.getByRole('figure', { name: 'Tenue des affectations par Maison' }).locator('tr').filter({ hasText: maisons.foix.nom });
    expect(await cells(foix)).toEqual([maisons.foix.nom, '1', '0', '0', '1']);
    await page.getByRole('figure', { name: 'Tenue des affectations par Maison' }).locator('.recharts-bar-rectangle path').first().waitFor();
    await shot('tdb-04-commandes');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger en CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`tableau-de-bord-commandes-${jourParis()}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain(`Commande;${commande.reference};`);

    // At tablet width the SLA dashboard stays usable (charts resize, tables scroll).
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.getByRole('navigation').getByRole('link', { name: 'Tableau de bord SLA' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord SLA' }).waitFor();
    await page.getByRole('figure', { name: 'Conformité par semaine' }).locator('svg.recharts-surface').waitFor();
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(768);
    await shot('tdb-05-sla-tablette');
    expect(errors).toEqual([]);
  }, 120_000);

  it('a direction’s manager is offered their direction only, and another perimeter in the URL gets the API’s refusal', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const users = (await fx.api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string }>;
    await web.signOut(page);
    await web.logInAs(page, fx.api.baseUrl, users.find((u) => u.email === EMAILS.managerTourisme)!.displayName);
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord SLA' }).waitFor();
    await page.getByText('Direction du Tourisme', { exact: true }).and(page.locator('strong')).waitFor();
    expect(await chiffre('Questions ouvertes').textContent()).toBe('4');
    const options = await page.getByLabel('Périmètre', { exact: true }).locator('option').allTextContents();
    expect(options).toEqual(['Direction du Tourisme']);

    await page.goto(`${fx.api.baseUrl}/tableaux-de-bord/sla?perimetre=reseau`);
    await page.getByRole('alert').filter({ hasText: 'hors de votre périmètre' }).waitFor();
    await shot('tdb-06-sla-hors-perimetre');
    // The browser logs the expected 403 as a failed resource; nothing else went wrong.
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  }, 60_000);

  it('capitalisation: the direction’s manager reads the rates per dispositif; its référent is invited to publish', async () => {
    // Still the tourism manager. The four questions (one objet) on Ec'Eau Tourisme were escalated, none answered at the desk.
    await page.goto(`${fx.api.baseUrl}/tableaux-de-bord/sla`);
    await page.getByRole('navigation').getByRole('link', { name: 'Capitalisation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord de la capitalisation' }).waitFor();
    await page.getByText('Direction du Tourisme', { exact: true }).and(page.locator('strong')).waitFor();
    const table = page.getByRole('table', { name: /Capitalisation par dispositif/ });
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Dispositif',
      'Escalades',
      'Réponses publiées',
      'Taux de capitalisation',
      'Réponses au guichet',
      'dont par réutilisation',
      'Taux de réutilisation',
    ]);
    expect(await cells(table.locator('tr').filter({ hasText: "Ec'Eau Tourisme" }))).toEqual(["Ec'Eau Tourisme", '4', '0', '0 %', '0', '0', '0 %']);

    // A FAQ entry is published on Ec'Eau Tourisme (on another subject): one for four escalations, 25 %.
    const [{ id: eceau }] = await fx.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const [{ id: referentId }] = await fx.query(`SELECT id FROM users WHERE email = $1`, [EMAILS.referentTourisme]);
    await fx.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le)
       VALUES (gen_random_uuid(), $1, 'Quel plafond pour une piscine municipale ?', 'Le plafond est de 200 000 €.', 'interne', $2, now())`,
      [eceau, referentId],
    );
    await page.reload();
    await table.locator('tr').filter({ hasText: "Ec'Eau Tourisme" }).filter({ hasText: '25 %' }).waitFor();
    expect(await cells(table.locator('tr').filter({ hasText: "Ec'Eau Tourisme" }))).toEqual(["Ec'Eau Tourisme", '4', '1', '25 %', '0', '0', '0 %']);
    expect(await chiffre('Taux de capitalisation').textContent()).toBe('25 %');
    await shot('tdb-07-capitalisation');

    // The same four similar questions prompted the direction's référents: a banner above their queue.
    await fx.waitFor(async () => (await fx.query(`SELECT 1 FROM capitalisation_invitation_question`)).length === 4, 15_000, 'the prompt with its four questions');
    const users = (await fx.api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string }>;
    await web.signOut(page);
    await web.logInAs(page, fx.api.baseUrl, users.find((u) => u.email === EMAILS.referentTourisme)!.displayName);
    await page.getByRole('heading', { level: 1, name: 'File des questions' }).waitFor();
    const bandeau = page.getByRole('note', { name: "Invitation à publier : Ec'Eau Tourisme" });
    await bandeau.getByText("4 questions similaires sur Ec'Eau Tourisme : publiez une réponse").waitFor();
    expect(await bandeau.getByRole('link').count()).toBe(5);
    await shot('tdb-08-invitation-referent');
    await bandeau.getByRole('button', { name: 'Ignorer' }).click();
    await bandeau.waitFor({ state: 'detached' });
    expect((await fx.query(`SELECT resolution FROM capitalisation_invitation`)).map((r) => r.resolution)).toEqual(['ignoree']);
    expect(errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  }, 90_000);
});
