import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { TestDb } from '../setup/db';
import { TestApi } from '../setup/e2e-app';

/**
 * What every browser walk needs: the built web app, Debian's Chromium driven by playwright-core,
 * the demo login, screenshots as artifacts and axe checks. The walks talk to the real API
 * (TestApi), PostgreSQL and Redis.
 */
export const ROOT = path.resolve(__dirname, '../..');
const WEB_SRC = path.join(ROOT, 'apps/web');
const WEB_DIST = path.join(ROOT, 'dist/web');
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of every main screen (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the web app unless dist/web is newer than every source file (one build per run). */
export function ensureWebBuild(): void {
  const index = path.join(WEB_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEB_SRC)) return;
  execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', path.join(WEB_SRC, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Jest sets NODE_ENV=test, which would give React's development build: test what ships.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium est introuvable (${CHROMIUM}) : installez-le (apt-get install -y chromium) ; .ci/run le fait en CI.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
}

export interface WalkPage {
  context: BrowserContext;
  page: Page;
  /** Script errors, CSP refusals and console errors seen so far (a walk ends expecting none). */
  errors: string[];
}

/** A French desktop (or tablet) page in Europe/Paris that records its script errors. */
export async function openPage(browser: Browser, options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean } = {}): Promise<WalkPage> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: options.acceptDownloads ?? false,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The API's expected refusals (a 4xx shown next to a field) are not script errors.
    if (message.type() === 'error' && !/status of (400|401|404|409|412|422|428)/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** What a walk works with: the API, the test database, Chromium and its page with the errors it saw. */
export interface Walk extends WalkPage {
  api: TestApi;
  db: TestDb;
  browser: Browser;
}

/**
 * The set-up a walk repeats, registered on the current describe: the web build, an API (with
 * `config`), the test database, Chromium and one page, closed after the describe's tests. The
 * returned walk is filled once its beforeAll has run (read it inside the tests).
 */
export function useWalk(options: { config?: Record<string, string> } = {}): Walk {
  const walk = {} as Walk;
  beforeAll(async () => {
    ensureWebBuild();
    walk.api = await TestApi.start({ config: options.config });
    walk.db = new TestDb();
    walk.browser = await launchChromium();
    Object.assign(walk, await openPage(walk.browser));
  }, 120_000);
  afterAll(async () => {
    await walk.browser?.close();
    await walk.api?.close();
    await walk.db?.close();
  });
  return walk;
}

/** A full-page screenshot in test-artifacts/web/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A main screen's screenshot and its axe check: no serious or critical violation (the failure names the screen). */
export async function checkedShot(page: Page, name: string): Promise<void> {
  await shot(page, name);
  expect({ screen: name, violations: await seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
}

/** A Paris calendar day `days` from now, as a date input takes it ("2026-12-18"): deadlines stay ahead whenever a walk runs. */
export function parisDayIn(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));
}

export interface DevUser {
  email: string;
  displayName: string;
  role: string;
  maisonNom: string | null;
}

/** The demo users the login picker lists. */
export async function devUsers(api: TestApi): Promise<DevUser[]> {
  return (await api.get('/api/v1/auth/dev-users')).body as DevUser[];
}

/** Logs in through the demo picker as the user shown under `displayName`. */
export async function logInAs(page: Page, baseUrl: string, displayName: string): Promise<void> {
  await page.goto(`${baseUrl}/connexion`);
  await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
  await page.getByRole('button', { name: new RegExp(`^${displayName}`) }).first().click();
  // The header names who is logged in (a previous session may still show its own button).
  await page.locator('header').getByText(displayName, { exact: true }).waitFor();
  await page.getByRole('heading', { level: 1 }).filter({ hasNotText: 'Connexion' }).waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
}

export interface A11yViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * The serious and critical accessibility violations of the page as it is (axe-core, WCAG 2.1
 * A and AA rules). A walk asserts `toEqual([])`, so a failure lists the rule and the elements.
 */
export async function seriousA11yViolations(page: Page): Promise<A11yViolation[]> {
  // The app has no frame, so axe runs in the page itself ("legacy" mode: no blank page opened to
  // merge per-frame results, no partial results carried through the protocol), and only the
  // violations are listed in full (the passes and inapplicable rules, which nothing reads, keep
  // one node each). The rules run and the violations found are the same (checked on a page made of
  // violations); a11y-existing went from 28 to 21 CPU seconds, commandes-mdr from 10 to 7.
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .setLegacyMode(true)
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
}
