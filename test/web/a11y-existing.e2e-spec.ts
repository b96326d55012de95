import { type Browser, chromium, type Page } from 'playwright-core';
import { TestApi } from '../setup/e2e-app';
import { EMAILS, questionBody } from '../questions/fixtures';
import * as web from './browser';

// Evaluated in the page: the browser's globals, untyped here (the tests' tsconfig has no DOM lib).
declare const window: any, document: any, requestAnimationFrame: any, getComputedStyle: any;

interface DemoUser {
  email: string;
  displayName: string;
  role: string;
}

/**
 * Accessibility and usability of the existing screens, for each role that sees them, at a
 * desktop (1280 px) and a tablet (768 px) width: axe (no serious or critical violation), no
 * horizontal scroll of the page (wide tables scroll in their own box), a title per page, the
 * skip link as the first Tab stop of a fresh load and working from the keyboard, focus on the
 * new page's heading after each navigation, and the main actions reachable with Tab and usable
 * with Enter / Space. Then the app on a LAN host name over plain HTTP (CSP).
 */
describe('web app: accessibility of the existing screens, by role, at 1280 and 768 px', () => {
  let api: TestApi;
  let browser: Browser;
  let users: DemoUser[];
  let questionId: string;
  let reference: string;

  const user = (email: string) => users.find((u) => u.email === email)!;

  beforeAll(async () => {
    web.ensureWebBuild();
    api = await TestApi.start();
    users = (await api.get('/api/v1/auth/dev-users')).body;
    // A question escalated to the tourism direction: in the référent's queue, with a timeline.
    const agent = await api.login(EMAILS.agentCarcassonne);
    const eceau = (await api.get('/api/v1/dispositifs?q=eau', { token: agent })).body.items.find((d: { nom: string }) => /Ec'Eau Tourisme/.test(d.nom));
    const created = await api.post('/api/v1/questions', questionBody({ dispositifId: eceau.id }), { token: agent });
    expect(created.status).toBe(201);
    expect((await api.post(`/api/v1/questions/${created.body.id}/escalader`, { message: 'Dossier complet.' }, { token: agent })).status).toBe(200);
    questionId = created.body.id;
    reference = created.body.reference;
    browser = await web.launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  /** What every screen must satisfy as it is shown. */
  async function checkScreen(page: Page, screen: string, title: string | RegExp) {
    const h1 = page.getByRole('heading', { level: 1, name: title });
    await h1.waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    const heading = (await h1.textContent())!;
    expect(await page.title()).toBe(`${heading} — Relais`);
    expect(await page.locator('h1').count()).toBe(1);
    // Landmarks: one banner, one main (with the h1), a contentinfo; the skip link targets main.
    expect(await page.locator('header.site-header').count()).toBe(1);
    expect(await page.locator('main#contenu h1').count()).toBe(1);
    expect(await page.locator('footer').count()).toBe(1);
    const overflow = await page.evaluate(() => ({ scrollWidth: document.scrollingElement!.scrollWidth, innerWidth: window.innerWidth }));
    expect({ screen, overflow: overflow.scrollWidth > overflow.innerWidth }).toEqual({ screen, overflow: false });
    await web.shot(page, `a11y-${screen}`);
    // axe once per screen, at 1280 px: its rules do not depend on the width (the 768 px pass
    // checks what does: reflow without horizontal scroll, the landmarks, the title).
    if (!screen.endsWith('-768')) expect({ screen, violations: await web.seriousA11yViolations(page) }).toEqual({ screen, violations: [] });
  }

  /** After an in-app navigation, focus is on the new page's heading (a screen reader reads it). */
  async function expectFocusOnHeading(page: Page, title: string | RegExp) {
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    const focused = await page.evaluate(() => document.activeElement!.textContent);
    expect(focused).toMatch(title);
  }

  /** On a fresh load: Tab reaches the visible skip link first; Enter moves focus into <main>. */
  async function expectSkipLink(page: Page, mainHasControls = true) {
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const el = document.activeElement as any;
      const box = el.getBoundingClientRect();
      return { text: el.textContent, visible: box.left >= 0 && box.top >= 0 && box.width > 0, outline: getComputedStyle(el).outlineStyle };
    });
    expect(first).toEqual({ text: 'Aller au contenu', visible: true, outline: 'solid' });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('contenu');
    // The next Tab goes to the page's first control, inside <main>, never back to the header.
    if (!mainHasControls) return;
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
  }

  /** Tabs until the focused element matches (at most `max` presses); returns its text. */
  async function tabTo(page: Page, text: RegExp, max = 40): Promise<string> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const current = await page.evaluate(() => (document.activeElement as any)?.innerText ?? '');
      if (text.test(current)) return current;
    }
    throw new Error(`${text} not reached with ${max} Tab presses`);
  }

  for (const width of [1280, 768]) {
    describe(`at ${width} px`, () => {
      const viewport = { width, height: 900 };
      // The keyboard walks do not depend on the width: done once, at 1280 px.
      const keyboard = width === 1280;

      it('Connexion and Page introuvable (no session): the picker works from the keyboard (Space on a user)', async () => {
        const { context, page, errors } = await web.openPage(browser, { viewport });
        await page.goto(`${api.baseUrl}/connexion`);
        await page.getByRole('button', { name: /^Claire|^Julien|^Sophie/ }).first().waitFor();
        await checkScreen(page, `connexion-${width}`, 'Connexion');
        if (keyboard) await expectSkipLink(page);

        await page.goto(`${api.baseUrl}/nulle-part`);
        await checkScreen(page, `introuvable-anonyme-${width}`, 'Page introuvable');
        if (!keyboard) return void (await context.close());

        // Keyboard only: a fresh Connexion, Tab to the Carcassonne agent, Space logs in.
        const agent = user(EMAILS.agentCarcassonne);
        await page.goto(`${api.baseUrl}/connexion`);
        await page.getByRole('button', { name: new RegExp(`^${agent.displayName}`) }).waitFor();
        await tabTo(page, new RegExp(`^${agent.displayName}`), 80);
        await page.keyboard.press('Space');
        await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
        await expectFocusOnHeading(page, /Questions de ma Maison/);
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);

      it('agent de Maison: Questions de ma Maison, Nouvelle question, the question page, Page introuvable — by keyboard', async () => {
        const { context, page, errors } = await web.openPage(browser, { viewport });
        await web.logInAs(page, api.baseUrl, user(EMAILS.agentCarcassonne).displayName);
        await expectFocusOnHeading(page, /Questions de ma Maison/);
        await page.getByRole('row').filter({ hasText: reference }).waitFor();
        await checkScreen(page, `questions-maison-agent-${width}`, 'Questions de ma Maison');

        if (keyboard) {
          // A fresh load of the same screen: skip link first; then Tab to the menu's "Nouvelle question", Enter.
          await page.goto(`${api.baseUrl}/questions`);
          await page.getByRole('row').filter({ hasText: reference }).waitFor();
          await expectSkipLink(page);
          await page.goto(`${api.baseUrl}/questions`);
          await page.getByRole('row').filter({ hasText: reference }).waitFor();
          await tabTo(page, /^Nouvelle question$/);
          await page.keyboard.press('Enter');
        } else {
          await page.getByRole('navigation').getByRole('link', { name: 'Nouvelle question' }).click();
        }
        await expectFocusOnHeading(page, /Nouvelle question/);
        await checkScreen(page, `nouvelle-question-agent-${width}`, 'Nouvelle question');

        // Back to the list, Tab to the question's link, Enter: its page, focus on its heading.
        await page.getByRole('navigation').getByRole('link', { name: 'Questions de ma Maison' }).click();
        await expectFocusOnHeading(page, /Questions de ma Maison/);
        await page.getByRole('row').filter({ hasText: reference }).waitFor();
        if (keyboard) {
          await tabTo(page, new RegExp(`^${reference}$`));
          await page.keyboard.press('Enter');
        } else {
          await page.getByRole('link', { name: reference }).click();
        }
        await expectFocusOnHeading(page, new RegExp(`Question ${reference}`));
        await page.getByText(/Fil intègre, 2 événements vérifiés/).waitFor();
        await checkScreen(page, `question-agent-${width}`, `Question ${reference}`);

        await page.goto(`${api.baseUrl}/pas/ici`);
        await checkScreen(page, `introuvable-agent-${width}`, 'Page introuvable');
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);

      it('responsable de Maison: Questions de ma Maison and Nouvelle question', async () => {
        const { context, page, errors } = await web.openPage(browser, { viewport });
        await web.logInAs(page, api.baseUrl, user(EMAILS.responsableCarcassonne).displayName);
        await page.getByRole('row').filter({ hasText: reference }).waitFor();
        await checkScreen(page, `questions-maison-responsable-${width}`, 'Questions de ma Maison');
        await page.getByRole('navigation').getByRole('link', { name: 'Nouvelle question' }).click();
        await expectFocusOnHeading(page, /Nouvelle question/);
        // The form's field errors (problem+json) are part of the screen: checked as shown.
        await page.getByRole('button', { name: 'Enregistrer la question' }).click();
        await page.locator('.field-error').first().waitFor();
        await checkScreen(page, `nouvelle-question-erreurs-responsable-${width}`, 'Nouvelle question');
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);

      it('référent: File des questions (Tab to the row, Enter) and the question page with its actions (Space opens a form)', async () => {
        const { context, page, errors } = await web.openPage(browser, { viewport });
        await web.logInAs(page, api.baseUrl, user(EMAILS.referentTourisme).displayName);
        await expectFocusOnHeading(page, /File des questions/);
        await page.getByRole('row').filter({ hasText: reference }).waitFor();
        await checkScreen(page, `file-referent-${width}`, 'File des questions');

        if (keyboard) {
          await page.goto(`${api.baseUrl}/file-referent`);
          await page.getByRole('row').filter({ hasText: reference }).waitFor();
          await expectSkipLink(page);
          await tabTo(page, new RegExp(`^${reference}$`));
          await page.keyboard.press('Enter');
        } else {
          await page.getByRole('link', { name: reference }).click();
        }
        await expectFocusOnHeading(page, new RegExp(`Question ${reference}`));
        await page.getByText(/Fil intègre/).waitFor();
        await checkScreen(page, `question-referent-${width}`, `Question ${reference}`);
        // The main action is reachable with Tab; Space on "Répondre…" opens its form (nothing sent).
        if (keyboard) {
          await tabTo(page, /^Répondre…$/);
          await page.keyboard.press('Space');
        } else {
          await page.getByRole('button', { name: 'Répondre…', exact: true }).click();
        }
        await page.getByLabel('Réponse', { exact: true }).waitFor();
        await checkScreen(page, `question-referent-repondre-${width}`, `Question ${reference}`);
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);

      it('Cabinet: Bienvenue', async () => {
        const { context, page, errors } = await web.openPage(browser, { viewport });
        await web.logInAs(page, api.baseUrl, user(EMAILS.cabinet).displayName);
        await page.goto(`${api.baseUrl}/bienvenue`);
        await checkScreen(page, `bienvenue-cabinet-${width}`, 'Bienvenue');
        if (keyboard) await expectSkipLink(page, false);
        expect(errors).toEqual([]);
        await context.close();
      }, 120_000);
    });
  }

  it('the question page at 768 px stacks its columns and keeps the timeline readable (no clipped text)', async () => {
    const { context, page } = await web.openPage(browser, { viewport: { width: 768, height: 1024 } });
    await web.logInAs(page, api.baseUrl, user(EMAILS.referentTourisme).displayName);
    await page.goto(`${api.baseUrl}/questions/${questionId}`);
    await page.getByText(/Fil intègre/).waitFor();
    // Every element of <main> fits within the viewport's width (no element pushed off-screen).
    const offscreen = await page.evaluate(() =>
      [...document.querySelectorAll('main *')]
        .filter((el: any) => !el.closest('.table-wrap'))
        .filter((el: any) => el.getBoundingClientRect().right > window.innerWidth + 1)
        .map((el: any) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    );
    expect(offscreen).toEqual([]);
    await context.close();
  }, 120_000);

  describe('on a LAN host name over plain HTTP (http://relais.mdr.local:<port>)', () => {
    let lan: Browser;
    let proxied: TestApi;
    beforeAll(async () => {
      lan = await chromium.launch({ executablePath: web.CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--host-resolver-rules=MAP relais.mdr.local 127.0.0.1'] });
      proxied = await TestApi.start({ config: { TRUST_PROXY: 'true' } });
    }, 60_000);
    afterAll(async () => {
      await lan?.close();
      await proxied?.close();
    });

    const hostUrl = (base: string, p: string) => `${base.replace('127.0.0.1', 'relais.mdr.local')}${p}`;

    it('loads the app: its CSP does not upgrade the assets to https', async () => {
      const { context, page, errors } = await web.openPage(lan);
      await page.goto(hostUrl(api.baseUrl, '/connexion'));
      await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
      await page.getByRole('button', { name: new RegExp(`^${user(EMAILS.agentCarcassonne).displayName}`) }).waitFor();
      // Chromium notes that it ignores Cross-Origin-Opener-Policy on a non-HTTPS origin: expected on a LAN, harmless.
      expect(errors.filter((e) => !/Cross-Origin-Opener-Policy header has been ignored/.test(e))).toEqual([]);
      await context.close();
    }, 60_000);

    it('(control) the same page sent with upgrade-insecure-requests, as behind a TLS proxy, cannot load over plain HTTP', async () => {
      const { context, page } = await web.openPage(lan);
      await page.setExtraHTTPHeaders({ 'x-forwarded-proto': 'https' });
      const res = await page.goto(hostUrl(proxied.baseUrl, '/connexion'));
      expect(res!.headers()['content-security-policy']).toMatch(/upgrade-insecure-requests/);
      // The browser fetches the scripts from https://relais.mdr.local:<port>, where nothing answers TLS: no app.
      await page.waitForLoadState('load');
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(0);
      await context.close();
    }, 60_000);
  });

  it('does not serve Vite’s build manifest', async () => {
    expect((await api.get('/.vite/manifest.json')).status).toBe(404);
  });
});
