import type { Browser, Page } from 'playwright-core';
import { Pool } from 'pg';
import { TEST_DATABASE_URL } from '../setup/test-env';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * The administrator's screens in Chromium against the real API: SLA policies (an invalid value,
 * a change saved, a stale edit refused with 412), a calendar's closures (added, listed,
 * removed), the queue board; and an agent who sees none of it.
 */
describe('web app: the admin’s SLA policies, calendars and queue board, in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let adminToken: string;
  let agent: { email: string; displayName: string };
  let admin: { email: string; displayName: string };
  const RELAIS = 'Question : relais à l’usager';
  /** What the walk changes, put back afterwards: the database is shared with other suites. */
  let politiqueAvant: { id: string; libelle: string; cibleMinutesOuvrees: number; seuilAvertissementPct: number; actif: boolean };
  let closuresAvant: { closures: string[]; fermetures: unknown[] };

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    const users = (await api.get('/api/v1/auth/dev-users')).body as Array<{ email: string; displayName: string; role: string }>;
    agent = users.find((u) => u.role === 'agent_mdr')!;
    admin = users.find((u) => u.role === 'admin')!;
    adminToken = await api.login(admin.email);
    politiqueAvant = (await api.get('/api/v1/sla/politiques', { token: adminToken })).body.items.find((p: any) => p.horloge === 'relais');
    const siege = (await api.get('/api/v1/calendriers/siege', { token: adminToken })).body.spec;
    closuresAvant = { closures: siege.closures, fermetures: siege.fermetures ?? [] };
    browser = await web.launchChromium();
    ({ page, errors } = await web.openPage(browser));
  }, 180_000);

  afterAll(async () => {
    if (api && politiqueAvant) {
      const now = (await api.get('/api/v1/sla/politiques', { token: adminToken })).body.items.find((p: any) => p.id === politiqueAvant.id);
      const { id, ...values } = politiqueAvant;
      await api.request('PUT', `/api/v1/sla/politiques/${id}`, { token: adminToken, body: values, headers: { 'if-match': `"${now.version}"` } });
      const cal = await api.get('/api/v1/calendriers/siege', { token: adminToken });
      const { id: _id, ...spec } = cal.body.spec;
      await api.request('PUT', '/api/v1/calendriers/siege', { token: adminToken, body: { ...spec, ...closuresAvant }, headers: { 'if-match': cal.headers.get('etag')! } });
    }
    await browser?.close();
    await api?.close();
  });

  const shot = async (name: string) => {
    await web.shot(page, name);
    expect({ screen: name, violations: await web.seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
  };
  const h1 = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
  const nav = () => page.getByRole('navigation', { name: 'Navigation principale' });
  const politique = async () => (await api.get('/api/v1/sla/politiques', { token: adminToken })).body.items.find((p: any) => p.id === politiqueAvant.id);

  it('an agent sees no admin menu, and /admin addresses say "Accès refusé" (the API refuses too)', async () => {
    await web.logInAs(page, api.baseUrl, agent.displayName);
    expect(await nav().getByRole('link').allTextContents()).not.toContain('Politiques SLA');
    expect(await nav().getByRole('link', { name: /Politiques SLA|Calendriers|Tableau des files/ }).count()).toBe(0);
    for (const path of ['/admin/politiques-sla', '/admin/calendriers/siege', '/admin/files', '/admin/webhooks', '/admin/rgpd', '/admin/nimporte-quoi']) {
      await page.goto(`${api.baseUrl}${path}`);
      await h1('Accès refusé');
      expect(await page.getByText('Cette page est réservée à l’administration de Relais.').count()).toBe(1);
    }
    await shot('admin-01-acces-refuse');
    expect((await api.get('/api/v1/sla/politiques', { token: await api.login(agent.email) })).status).toBe(403);
    await web.signOut(page);
  }, 120_000);

  it('the admin lists the policies in plain French, gets a refused value next to its field, and changes a target', async () => {
    await web.logInAs(page, api.baseUrl, admin.displayName);
    await h1('Politiques SLA');
    expect(await nav().getByRole('link').allTextContents()).toEqual(['Politiques SLA', 'Calendriers', 'Tableau des files', 'Webhooks', 'Données personnelles (RGPD)', 'Tableau de bord SLA', 'Tableau des commandes', 'Capitalisation', 'Baromètre', 'Annuaire']);
    const row = page.getByRole('row').filter({ hasText: RELAIS });
    await row.getByText('7 h ouvrées').waitFor();
    expect(await row.textContent()).toMatch(/Maison concernée/);
    await shot('admin-02-politiques');

    await row.getByRole('button', { name: `Modifier la politique « ${RELAIS} »` }).click();
    await page.getByRole('heading', { level: 2, name: `Modifier « ${RELAIS} »` }).waitFor();
    expect(await page.getByLabel('Cible', { exact: true }).inputValue()).toBe('7');
    await page.getByLabel('Cible', { exact: true }).fill('-3');
    await page.getByRole('button', { name: 'Enregistrer la politique' }).click();
    const error = page.locator('#cibleMinutesOuvrees-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/positive/);
    expect(await page.getByLabel('Cible', { exact: true }).getAttribute('aria-describedby')).toContain('cibleMinutesOuvrees-error');
    expect(await page.getByLabel('Cible', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await shot('admin-03-politique-erreur');

    await page.getByLabel('Cible', { exact: true }).fill('7,5');
    await page.getByText('Soit 7 h 30 ouvrées (450 minutes)').first().waitFor();
    await page.getByRole('button', { name: 'Enregistrer la politique' }).click();
    await page.getByText(`Politique « ${RELAIS} » enregistrée.`).waitFor();
    await row.getByText('7 h 30 ouvrées').waitFor();
    expect((await politique()).cibleMinutesOuvrees).toBe(450);
    await shot('admin-04-politique-enregistree');
  }, 120_000);

  it('an edit of a policy someone changed meanwhile is refused (412) with a clear message, and the form shows the new version', async () => {
    const row = page.getByRole('row').filter({ hasText: RELAIS });
    await row.getByRole('button', { name: `Modifier la politique « ${RELAIS} »` }).click();
    await page.getByLabel('Cible', { exact: true }).fill('8');
    // Someone else saves the policy in between.
    const current = await politique();
    const other = await api.request('PUT', `/api/v1/sla/politiques/${current.id}`, { token: adminToken, body: { seuilAvertissementPct: 60 }, headers: { 'if-match': `"${current.version}"` } });
    expect(other.status).toBe(200);
    await page.getByRole('button', { name: 'Enregistrer la politique' }).click();
    await page.getByText(/Cette politique a été modifiée entre-temps par quelqu’un d’autre/).waitFor();
    // Reloaded: the other admin's threshold is shown, and the list says the new version.
    // (a function, not a string: the app's CSP forbids evaluating strings)
    await page.waitForFunction(() => (globalThis as any).document.getElementById('seuilAvertissementPct')?.value === '60');
    await shot('admin-05-politique-modifiee-entre-temps');
    expect((await politique()).cibleMinutesOuvrees).toBe(450);

    await page.getByLabel('Cible', { exact: true }).fill('8');
    await page.getByRole('button', { name: 'Enregistrer la politique' }).click();
    await page.getByText(`Politique « ${RELAIS} » enregistrée.`).waitFor();
    expect(await politique()).toMatchObject({ cibleMinutesOuvrees: 480, seuilAvertissementPct: 60 });
  }, 120_000);

  it('the admin opens the siège’s calendar, adds a closure period, sees it listed, and removes it', async () => {
    await nav().getByRole('link', { name: 'Calendriers' }).click();
    await h1('Calendriers');
    await page.getByRole('row').filter({ hasText: 'suit le calendrier du réseau' }).first().waitFor();
    await shot('admin-06-calendriers');

    await page.getByRole('link', { name: 'Siège de la Région' }).click();
    await h1('Calendrier : Siège de la Région');
    await page.getByLabel('Lundi, plage 1 : début').waitFor();
    expect(await page.getByLabel('Lundi, plage 1 : début').inputValue()).toBe('08:30');
    await page.getByText(/— Noël$/).first().waitFor();
    await shot('admin-07-calendrier');

    const next = new Date().getFullYear() + 1;
    // The libellé is required: said next to its field before anything is sent.
    await page.getByLabel('Premier jour fermé').fill(`${next}-08-10`);
    await page.getByRole('button', { name: 'Ajouter la fermeture' }).click();
    await page.locator('#fermeture-libelle-error').waitFor();
    expect(await page.getByLabel('Libellé de la fermeture').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Libellé de la fermeture').fill('Fermeture estivale');
    await page.getByLabel('Dernier jour fermé (facultatif)').fill(`${next}-08-11`);
    await page.getByRole('button', { name: 'Ajouter la fermeture' }).click();
    const periode = page.getByRole('list', { name: 'Fermetures exceptionnelles' }).getByRole('listitem').filter({ hasText: 'Fermeture estivale' });
    await periode.waitFor();
    expect(await periode.textContent()).toMatch(new RegExp(`du \\w+ 10 août ${next} au \\w+ 11 août ${next} \\(2 jours\\)`));
    await page.getByText(`11 août ${next} — Fermeture estivale`).waitFor();
    expect(await page.getByLabel('Libellé de la fermeture').inputValue()).toBe('');
    expect((await api.get('/api/v1/calendriers/siege', { token: adminToken })).body.spec.fermetures).toEqual([{ du: `${next}-08-10`, au: `${next}-08-11`, libelle: 'Fermeture estivale' }]);
    await shot('admin-08-fermeture-ajoutee');

    await periode.getByRole('button', { name: /^Retirer la fermeture Fermeture estivale/ }).click();
    await periode.waitFor({ state: 'detached' });
    await page.getByText(`11 août ${next} — Fermeture estivale`).waitFor({ state: 'detached' });
    expect((await api.get('/api/v1/calendriers/siege', { token: adminToken })).body.spec.fermetures).toEqual([]);

    // A wrong opening hour comes back from the API next to its field.
    await page.getByLabel('Lundi, plage 1 : début').fill('25:00');
    await page.getByRole('button', { name: 'Enregistrer les horaires' }).click();
    const hourError = page.locator('#hours-1-0-error');
    await hourError.waitFor();
    expect(await page.getByLabel('Lundi, plage 1 : début').getAttribute('aria-describedby')).toBe('hours-1-0-error');
    await shot('admin-09-horaires-erreur');

    // On a tablet (768 px) the page keeps to the screen's width: the hours table scrolls in its box.
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${api.baseUrl}/admin/calendriers/siege`);
    await h1('Calendrier : Siège de la Région');
    await page.getByLabel('Lundi, plage 1 : début').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await shot('admin-09b-calendrier-tablette');
    await page.goto(`${api.baseUrl}/admin/politiques-sla`);
    await page.getByRole('row').filter({ hasText: RELAIS }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(768);
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 120_000);

  it('the queue board opens from its page with the admin’s session', async () => {
    await nav().getByRole('link', { name: 'Tableau des files' }).click();
    await h1('Tableau des files');
    await shot('admin-10-tableau-des-files');
    // The board's page asks Google Fonts for its typeface; this machine has no Internet access.
    await page.context().route((url) => url.origin !== new URL(api.baseUrl).origin, (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
    const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname.startsWith('/admin/queues/api/queues')), page.getByRole('link', { name: 'Ouvrir le tableau des files' }).click()]);
    expect(response.status()).toBe(200);
    await page.getByText('sla-timers').first().waitFor();
    await web.shot(page, 'admin-11-bull-board');
    await page.goBack();
    await h1('Tableau des files');
    expect(errors).toEqual([]);
  }, 120_000);

  it('the admin registers a webhook endpoint, is shown its secret once, sees a failed delivery highlighted and replays it', async () => {
    const url = `https://127.0.0.1:1/relais-${Date.now()}`;
    const pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
    try {
      await nav().getByRole('link', { name: 'Webhooks' }).click();
      await h1('Webhooks');
      await page.getByLabel('Adresse (https)').fill(url);
      await page.getByLabel('Escaladée à une direction').check();
      await page.getByRole('button', { name: 'Enregistrer le point de réception' }).click();
      const secret = page.getByTestId('secret-webhook');
      await secret.waitFor();
      expect(await secret.textContent()).toMatch(/^whsec_/);
      await page.getByRole('row').filter({ hasText: url }).waitFor();
      await shot('admin-12-webhook-enregistre');

      // A delivery that failed for good (the walk's API runs no worker: written as the worker would).
      const { rows } = await pool.query(`SELECT id FROM webhook_endpoint WHERE url = $1`, [url]);
      await pool.query(
        `INSERT INTO webhook_livraison (id, endpoint_id, evenement_id, type, payload, statut, tentatives, tentatives_max, prochaine_tentative_a, creee_a, derniere_erreur, dernier_statut_http, derniere_tentative_a)
         VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'question.escaladee', '{}', 'echouee', 8, 8, now(), now(), 'HTTP 503 : maintenance', 503, now())`,
        [rows[0].id],
      );
      await page.reload();
      await h1('Webhooks');
      await page.getByRole('row').filter({ hasText: url }).getByText('1 échouée').waitFor();
      expect(await page.getByTestId('secret-webhook').count()).toBe(0);
      await page.getByRole('link', { name: `Livraisons vers ${url}` }).click();
      await h1('Livraisons du webhook');
      const failed = page.locator('tr.ligne-echouee');
      await failed.getByText('HTTP 503 : maintenance').waitFor();
      await shot('admin-13-livraison-echouee');
      await failed.getByRole('button', { name: /^Rejouer la livraison/ }).click();
      await page.getByText(/relancée : une nouvelle tentative part maintenant/).waitFor();
      await page.getByRole('row').filter({ hasText: 'en attente' }).first().waitFor();
      expect(errors).toEqual([]);
    } finally {
      await pool.query(`DELETE FROM webhook_livraison WHERE endpoint_id IN (SELECT id FROM webhook_endpoint WHERE url = $1)`, [url]);
      await pool.query(`DELETE FROM webhook_endpoint WHERE url = $1`, [url]);
      await pool.end();
    }
  }, 120_000);
});
