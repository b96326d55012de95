import { ConfigError } from '@app/core';
import { TestApi } from '../setup/e2e-app';
import { RELAIS_AUDIENCE, signingKey, TestOidcProvider, WEB_CLIENT_ID, WEB_SCOPES } from './oidc-provider';

/** The directive `name` of a Content-Security-Policy header, as a list of sources. */
function directive(csp: string | null, name: string): string[] {
  const found = (csp ?? '').split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

/** GET /api/v1/auth/configuration: how the web app signs people in, read before anyone is. */
describe('the web app’s sign-in configuration', () => {
  it('says "dev" with the demonstration login, and the browser may only call Relais', async () => {
    const api = await TestApi.start();
    try {
      const res = await api.get('/api/v1/auth/configuration');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ mode: 'dev' });
      expect(directive(res.headers.get('content-security-policy'), 'connect-src')).toEqual(["'self'"]);
    } finally {
      await api.close();
    }
  });

  it('says "none" when neither the demonstration login nor OIDC is configured', async () => {
    const api = await TestApi.start({ config: { AUTH_DEV_LOGIN: 'false' } });
    try {
      const res = await api.get('/api/v1/auth/configuration');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ mode: 'none' });
      expect((await api.get('/api/v1/auth/dev-users')).status).toBe(404);
    } finally {
      await api.close();
    }
  });

  describe('with OIDC', () => {
    let op: TestOidcProvider;
    beforeAll(async () => {
      op = await TestOidcProvider.start([await signingKey('cle-1')]);
    });
    afterAll(() => op?.stop());

    it('gives the issuer, the public client id and the scopes without a token, and lets the browser call the provider (CSP connect-src)', async () => {
      const api = await TestApi.start({
        config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID, OIDC_WEB_SCOPES: WEB_SCOPES },
      });
      try {
        const res = await api.get('/api/v1/auth/configuration');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ mode: 'oidc', issuer: op.issuer, clientId: WEB_CLIENT_ID, scopes: WEB_SCOPES });
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(directive(res.headers.get('content-security-policy'), 'connect-src')).toEqual(["'self'", op.issuer]);
        // Every page the API serves carries it (the web app's index.html too, when built).
        expect(directive((await api.get('/health/live')).headers.get('content-security-policy'), 'connect-src')).toEqual(["'self'", op.issuer]);
        // The demonstration login does not exist beside OIDC.
        expect((await api.get('/api/v1/auth/dev-users')).status).toBe(404);
      } finally {
        await api.close();
      }
    });

    it('asks for "openid profile email" unless OIDC_WEB_SCOPES says otherwise', async () => {
      const api = await TestApi.start({ config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID } });
      try {
        expect((await api.get('/api/v1/auth/configuration')).body.scopes).toBe('openid profile email');
      } finally {
        await api.close();
      }
    });

    it('refuses to boot without the web app’s client id, or with the API’s audience as client id, in one line naming the variable', async () => {
      for (const [extra, reason] of [
        [{}, /^Configuration invalide : OIDC_WEB_CLIENT_ID est obligatoire avec OIDC_ISSUER/],
        [{ OIDC_WEB_CLIENT_ID: RELAIS_AUDIENCE }, /^Configuration invalide : OIDC_WEB_CLIENT_ID ne doit pas être égal à OIDC_AUDIENCE/],
      ] as const) {
        const boot = TestApi.start({ config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, ...extra } });
        const err = await boot.then(
          async (api) => {
            await api.close();
            return null;
          },
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).variable).toBe('OIDC_WEB_CLIENT_ID');
        expect((err as Error).message).toMatch(reason);
        expect((err as Error).message.split('\n')).toHaveLength(1);
      }
    });
  });
});
