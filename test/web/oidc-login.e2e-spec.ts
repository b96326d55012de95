import type { JWK } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { RELAIS_AUDIENCE, signingKey, TestOidcProvider, WEB_CLIENT_ID, WEB_SCOPES } from '../auth/oidc-provider';
import { TestApi } from '../setup/e2e-app';
import * as web from './browser';

/**
 * Connexion with OIDC configured, in Chromium: the web app sends the browser to a real OpenID
 * provider (oidc-provider, its development login and consent pages), completes the
 * authorization code flow with PKCE as a public client, and the API accepts the provider's
 * access token; sign-out ends the provider's session too.
 */
describe('web app: Connexion through the identity provider (authorization code + PKCE), in Chromium', () => {
  const EMAIL = 'agent.foix@relais.demo';
  let op: TestOidcProvider;
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let errors: string[] = [];
  let displayName: string;
  let key: JWK;

  beforeAll(async () => {
    web.ensureWebBuild();
    key = await signingKey('cle-web');
    op = await TestOidcProvider.start([key]);
    api = await TestApi.start({
      config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID, OIDC_WEB_SCOPES: WEB_SCOPES },
    });
    // Who the directory says this is (the demo login does not exist beside OIDC).
    const { accessToken } = await op.codeFlow(EMAIL, { publicClient: true });
    displayName = (await api.get('/api/v1/me', { token: accessToken })).body.displayName;
    expect(displayName).toMatch(/^\S+ \S+/);
    browser = await web.launchChromium();
    let context;
    ({ page, errors, context } = await web.openPage(browser));
    // The provider's development pages import a web font: no Internet here, and none needed.
    await context.route('https://fonts.googleapis.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await op?.stop();
  });

  /** The keys of the page's sessionStorage or localStorage (the tests' tsconfig has no DOM types). */
  const storageKeys = (storage: 'sessionStorage' | 'localStorage') => page.evaluate(`Object.keys(${storage})`) as Promise<string[]>;

  const shot = async (name: string) => {
    await web.shot(page, name);
    expect({ screen: name, violations: await web.seriousA11yViolations(page) }).toEqual({ screen: name, violations: [] });
  };

  /** The provider's development login, then its consent page when it asks. */
  async function authenticateAtProvider(login = EMAIL): Promise<void> {
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('mot-de-passe');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  it('shows the Région’s account only (no demo picker), and the page lets the browser reach the provider', async () => {
    const res = await page.goto(`${api.baseUrl}/connexion`);
    expect(res!.headers()['content-security-policy']).toMatch(new RegExp(`connect-src 'self' ${op.issuer.replace(/[.:/]/g, '\\$&')}(;|$)`));
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).waitFor();
    expect(await page.getByText(/Démonstration/).count()).toBe(0);
    await shot('oidc-01-connexion');
  });

  it('signs in at the provider, comes back through /connexion/retour as the directory’s user, and the API accepts the provider’s token', async () => {
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).click();
    await authenticateAtProvider();

    const questions = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/questions' && r.request().method() === 'GET');
    await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/questions');
    await page.locator('header').getByText(displayName, { exact: true }).waitFor();
    expect(await page.locator('header').textContent()).toContain('Agent de Maison');
    const answered = await questions;
    expect(answered.status()).toBe(200);
    // The bearer is the provider's JWT access token (issuer = the provider, audience = the API).
    const bearer = (await answered.request().headerValue('authorization'))!.replace(/^Bearer /, '');
    const claims = JSON.parse(Buffer.from(bearer.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: op.issuer, aud: RELAIS_AUDIENCE, email: EMAIL, client_id: WEB_CLIENT_ID });
    // The tokens live in sessionStorage, never in localStorage.
    expect((await storageKeys('sessionStorage')).filter((k) => k.startsWith('oidc.user:'))).toHaveLength(1);
    expect((await storageKeys('localStorage')).filter((k) => k.startsWith('oidc.'))).toEqual([]);
    await shot('oidc-02-questions-maison');
  });

  it('stays signed in across a reload and through another screen that calls the API', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
    await page.locator('header').getByText(displayName, { exact: true }).waitFor();

    const search = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/dispositifs' && r.status() === 200);
    await page.getByRole('navigation').getByRole('link', { name: 'Nouvelle question' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nouvelle question' }).waitFor();
    await page.getByLabel('Rechercher un dispositif').fill('eau');
    await search;
    await page.getByLabel(/Ec'Eau Tourisme/).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('signs out at the provider too, ends on Connexion, and the next sign-in asks for the login again', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    // RP-initiated logout: the provider confirms, then sends the browser back to /connexion.
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.origin === api.baseUrl && url.pathname === '/connexion');
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).waitFor();
    expect(await page.locator('header').getByText(displayName).count()).toBe(0);
    expect((await storageKeys('sessionStorage')).filter((k) => k.startsWith('oidc.user:') || k === 'relais.session')).toEqual([]);

    // The provider's session is over: signing in again goes through its login page.
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).click();
    await page.waitForURL((url) => url.origin === op.issuer);
    await page.locator('input[name="login"]').waitFor();
    await page.goto(`${api.baseUrl}/connexion`);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
  });

  it('ends the session when the access token expires (no refresh token): back to Connexion, saying why', async () => {
    // Same issuer and keys, the web app's access tokens now living 6 seconds.
    await op.restart([key], { OP_WEB_TOKEN_TTL: '6' });
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).click();
    await authenticateAtProvider();
    await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
    await page.locator('header').getByText(displayName, { exact: true }).waitFor();

    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor({ timeout: 20_000 });
    await page.getByText('Votre session a pris fin : connectez-vous à nouveau.').waitFor();
    expect(await page.locator('header').getByText(displayName).count()).toBe(0);
    expect((await storageKeys('sessionStorage')).filter((k) => k.startsWith('oidc.user:') || k === 'relais.session')).toEqual([]);
  });

  it('renews the access token with the refresh token before it expires, and the API takes the new one', async () => {
    // Tokens of 65 s: oidc-client-ts announces the expiry 60 s ahead, so the renewal comes after ~5 s.
    await op.restart([key], { OP_WEB_TOKEN_TTL: '65', OP_WEB_REFRESH: '1' });
    const sessionToken = () => page.evaluate(`JSON.parse(sessionStorage.getItem('relais.session') ?? 'null')?.token ?? null`) as Promise<string | null>;
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).click();
    await authenticateAtProvider();
    await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
    const first = await sessionToken();
    expect(first).toEqual(expect.any(String));

    const renewal = page.waitForResponse((r) => r.url() === `${op.issuer}/token` && r.request().method() === 'POST', { timeout: 20_000 });
    expect((await renewal).status()).toBe(200);
    expect((await renewal).request().postData()).toMatch(/grant_type=refresh_token/);
    await page.waitForFunction(`JSON.parse(sessionStorage.getItem('relais.session') ?? 'null')?.token !== ${JSON.stringify(first)}`, undefined, { timeout: 5_000 });

    // The next call carries a renewed token, and the API accepts it.
    const questions = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/questions' && r.request().method() === 'GET');
    await page.reload();
    const answered = await questions;
    expect(answered.status()).toBe(200);
    const bearer = await answered.request().headerValue('authorization');
    expect(bearer).toMatch(/^Bearer ey/);
    expect(bearer).not.toBe(`Bearer ${first}`);
    await page.locator('header').getByText(displayName, { exact: true }).waitFor();
  });

  it('says so when the provider’s account is not in the directory, and a return without a sign-in under way is refused', async () => {
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('button', { name: 'Se connecter avec le compte de la Région' }).click();
    await authenticateAtProvider('inconnu@relais.demo');
    await page.getByRole('heading', { level: 1, name: 'Connexion impossible' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Ce compte est inconnu ou désactivé.');
    expect((await storageKeys('sessionStorage')).filter((k) => k.startsWith('oidc.user:') || k === 'relais.session')).toEqual([]);
    await shot('oidc-03-compte-inconnu');

    await page.goto(`${api.baseUrl}/connexion/retour?code=forge&state=inconnu`);
    await page.getByRole('heading', { level: 1, name: 'Connexion impossible' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('ne correspond à aucune connexion en cours');
    await page.getByRole('link', { name: 'Revenir à la page de connexion' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    expect(errors).toEqual([]);
  });
});
