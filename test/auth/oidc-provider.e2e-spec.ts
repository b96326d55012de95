import { createServer, Server, Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { generateKeyPair, JWK, SignJWT } from 'jose';
import { ConfigError, OIDC_KEY_TIMINGS, OidcKeyStore } from '@app/core';
import { createApiApp } from '../../apps/api/src/app.factory';
import { HttpResponse, TestApi } from '../setup/e2e-app';
import { testConfig } from '../setup/test-env';
import {
  OTHER_RESOURCE,
  RELAIS_AUDIENCE,
  RELAIS_RESOURCE_SHORT_LIVED,
  signingKey,
  TestOidcProvider,
  WEB_CLIENT_ID,
} from './oidc-provider';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The parameters of a `WWW-Authenticate: Bearer …` challenge. */
function challenge(res: HttpResponse): Record<string, string> {
  const header = res.headers.get('www-authenticate') ?? '';
  expect(header).toMatch(/^Bearer /);
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

function expectRefused(res: HttpResponse, description: RegExp): void {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  expect(res.body.code).toBe('NON_AUTHENTIFIE');
  const params = challenge(res);
  expect(params).toMatchObject({ realm: 'relais', error: 'invalid_token' });
  expect(params.error_description).toMatch(description);
  // RFC 6750 §3: error_description is printable US-ASCII without `"` or `\`.
  expect(params.error_description).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
}

/**
 * Identity against a real OpenID provider (oidc-provider, in its own process): OIDC_ISSUER and
 * OIDC_AUDIENCE only, the keys found through the discovery document.
 */
describe('identity through a real OpenID provider', () => {
  let op: TestOidcProvider;
  let api: TestApi;
  let key1: JWK;

  beforeAll(async () => {
    key1 = await signingKey('cle-1');
    op = await TestOidcProvider.start([key1]);
    api = await TestApi.start({ config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID, AUTH_DEV_LOGIN: 'false' } });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await api?.close();
    await op?.stop();
  });

  it('accepts the provider’s JWT access tokens (client credentials and code flow) and finds the directory user by e-mail', async () => {
    const me = await api.get('/api/v1/me', { token: await op.clientCredentials('outil-referent') });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'referent.tourisme@relais.demo', role: 'referent', perimetre: 'direction' });

    const { accessToken } = await op.codeFlow('agent.carcassonne@relais.demo');
    const agent = await api.get('/api/v1/me', { token: accessToken });
    expect(agent.status).toBe(200);
    expect(agent.body).toMatchObject({ email: 'agent.carcassonne@relais.demo', role: 'agent_mdr' });
  });

  it('answers a missing token with the bare challenge (no error, RFC 6750 §3.1)', async () => {
    const res = await api.get('/api/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="relais"');
  });

  it('refuses a token the provider issued for another application, says why, and logs the reason once (no token, no e-mail)', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const token = await op.clientCredentials('outil-referent', OTHER_RESOURCE);
    for (let i = 0; i < 3; i++) expectRefused(await api.get('/api/v1/me', { token }), /another audience/);
    const logged = warn.mock.calls.filter((args) => JSON.stringify(args).includes('audience'));
    expect(logged).toHaveLength(1);
    expect(logged[0][0]).toMatchObject({ reason: 'audience' });
    const text = JSON.stringify(warn.mock.calls);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text.toLowerCase()).not.toContain('referent.tourisme');
    warn.mockRestore();
  });

  it('refuses the web app’s ID token, whatever the audience setting', async () => {
    const { idToken } = await op.codeFlow('admin@relais.demo');
    expectRefused(await api.get('/api/v1/me', { token: idToken }), /another audience/);

    // Worst case: OIDC_AUDIENCE set to a web client's id, so the ID token's `aud` matches (the boot
    // refuses OIDC_AUDIENCE equal to OIDC_WEB_CLIENT_ID; here the audience is another client's).
    const lax = await TestApi.start({ config: { OIDC_ISSUER: op.issuer, OIDC_AUDIENCE: 'relais-web', OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID, AUTH_DEV_LOGIN: 'false' } });
    try {
      expectRefused(await lax.get('/api/v1/me', { token: idToken }), /Not an access token/);
    } finally {
      await lax.close();
    }
  });

  it('accepts the access token the web app gets as a public client (PKCE, its own scopes, no resource parameter), never its ID token', async () => {
    const { accessToken, idToken } = await op.codeFlow('agent.foix@relais.demo', { publicClient: true });
    const me = await api.get('/api/v1/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'agent.foix@relais.demo', role: 'agent_mdr' });
    expectRefused(await api.get('/api/v1/me', { token: idToken }), /another audience/);
  });

  it('never logs anyone in on an e-mail the provider says is unverified', async () => {
    const res = await api.get('/api/v1/me', { token: await op.clientCredentials('outil-admin-non-verifie') });
    expectRefused(res, /not verified/);
    expect(res.body.detail).toMatch(/n’est pas vérifiée/);
  });

  it('tells an expired token from the others', async () => {
    // One-second token: asserting it is accepted first would race with its expiry.
    const token = await op.clientCredentials('outil-referent', RELAIS_RESOURCE_SHORT_LIVED);
    await sleep(2100);
    const res = await api.get('/api/v1/me', { token });
    expectRefused(res, /expired/);
    expect(res.body.detail).toMatch(/expiré/);
  });

  it('accepts a token signed with a rotated key at once (an unknown kid refreshes the keys)', async () => {
    const key2 = await signingKey('cle-2');
    await op.restart([key2]);
    await sleep(OIDC_KEY_TIMINGS.unknownKidCooldownMs + 100);
    const me = await api.get('/api/v1/me', { token: await op.clientCredentials('outil-referent') });
    expect(me.status).toBe(200);
    expect((await api.get('/health/ready')).body.details.oidc).toMatchObject({ status: 'up', keyIds: ['cle-2'], provider: 'reachable', keys: 'current' });
  });

  describe('while the provider is down or hangs', () => {
    let hanging: Server;
    const sockets = new Set<Socket>();

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      if (hanging?.listening) await new Promise((resolve) => hanging.close(resolve));
    });

    it('keeps serving with the last known keys, without waiting on the provider, logs it once and says so in /health/ready', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const token = await op.clientCredentials('outil-referent');
      await op.stop();
      // The provider's port now accepts connections and never answers.
      hanging = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => hanging.listen(op.port, '127.0.0.1', resolve));
      await sleep(OIDC_KEY_TIMINGS.unknownKidCooldownMs + 100);

      // A token naming an unknown key makes the API fetch the keys; the fetch hangs...
      const { privateKey } = await generateKeyPair('RS256');
      const unknownKid = await new SignJWT({ email: 'referent.tourisme@relais.demo' })
        .setProtectedHeader({ alg: 'RS256', kid: 'cle-inconnue', typ: 'at+jwt' })
        .setIssuer(op.issuer)
        .setAudience(RELAIS_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const started = Date.now();
      const unknown = api.get('/api/v1/me', { token: unknownKid }).then((res) => ({ res, ms: Date.now() - started }));
      await sleep(200);
      // ...while a token signed with a known key is served at once.
      const during = Date.now();
      const me = await api.get('/api/v1/me', { token });
      expect(me.status).toBe(200);
      expect(Date.now() - during).toBeLessThan(1000);
      // The hanging fetch is bounded.
      const { res, ms } = await unknown;
      expectRefused(res, /unknown key/);
      expect(ms).toBeLessThan(OIDC_KEY_TIMINGS.fetchTimeoutMs + 1500);

      // Provider known to be down: an unknown kid no longer waits at all.
      const again = Date.now();
      expectRefused(await api.get('/api/v1/me', { token: unknownKid }), /unknown key/);
      expect(Date.now() - again).toBeLessThan(1000);
      expect((await api.get('/api/v1/me', { token })).status).toBe(200);

      const ready = await api.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
      expect(ready.body.details.oidc).toMatchObject({
        status: 'up',
        provider: 'unreachable',
        keyIds: ['cle-2'],
        keys: expect.stringMatching(/^last known, provider unreachable since \d{4}-\d\d-\d\dT/),
        lastError: expect.stringMatching(/timeout/),
      });
      const outage = warn.mock.calls.filter((args) => /OIDC provider (still )?unreachable/.test(String(args[1])));
      expect(outage).toHaveLength(1);
      expect(outage[0][0]).toMatchObject({ jwksUri: `${op.issuer}/jwks`, error: expect.stringMatching(/timeout/) });
      warn.mockRestore();
    });

    it('goes back to current keys once the provider answers again, and says so once', async () => {
      const log = jest.spyOn(Logger.prototype, 'log');
      const retryAfterFailureMs = OIDC_KEY_TIMINGS.retryAfterFailureMs;
      OIDC_KEY_TIMINGS.retryAfterFailureMs = 200; // instead of 30 s
      try {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => hanging.close(resolve));
        await op.restart([await signingKey('cle-3')]);
        await sleep(300);
        let oidc: any;
        for (let i = 0; i < 50; i++) {
          // Readiness probes drive the retries (requests do too), so recovery needs no traffic.
          oidc = (await api.get('/health/ready')).body.details.oidc;
          if (oidc.provider === 'reachable') break;
          await sleep(100);
        }
        expect(oidc).toMatchObject({ status: 'up', provider: 'reachable', keys: 'current', keyIds: ['cle-3'] });
        expect(oidc.unreachableSince).toBeUndefined();
        expect((await api.get('/api/v1/me', { token: await op.clientCredentials('outil-referent') })).status).toBe(200);
        expect(log.mock.calls.filter((args) => /reachable again/.test(String(args[1])))).toHaveLength(1);
      } finally {
        OIDC_KEY_TIMINGS.retryAfterFailureMs = retryAfterFailureMs;
        log.mockRestore();
      }
    });
  });
});

describe('boot against the provider’s discovery document', () => {
  let op: TestOidcProvider;

  beforeAll(async () => {
    op = await TestOidcProvider.start([await signingKey('cle-1')]);
  });
  afterAll(() => op?.stop());

  const configFor = (issuer: string) => testConfig({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: RELAIS_AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT_ID, AUTH_DEV_LOGIN: 'false' });

  it('refuses to start when OIDC_ISSUER differs from the discovery document’s issuer (trailing slash), in one line naming it', async () => {
    const app = await createApiApp(configFor(`${op.issuer}/`));
    try {
      const boot = app.listen({ port: 0, host: '127.0.0.1' });
      await expect(boot).rejects.toBeInstanceOf(ConfigError);
      const err: ConfigError = await boot.catch((e) => e);
      expect(err.variable).toBe('OIDC_ISSUER');
      expect(err.message).toBe(
        `Configuration invalide : OIDC_ISSUER (${op.issuer}/) ne correspond pas à l’issuer annoncé par le fournisseur (${op.issuer}) : ` +
          'donnez exactement cette valeur, barre oblique finale comprise',
      );
    } finally {
      await app.close();
    }
  });

  it('refuses to start when the provider cannot be reached, naming the address tried', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const store = new OidcKeyStore(configFor(`http://127.0.0.1:${port}/realms/absent`));
    await expect(store.start()).rejects.toThrow(
      `Configuration invalide : OIDC_ISSUER ne répond pas : le document de découverte http://127.0.0.1:${port}/realms/absent/.well-known/openid-configuration n’a pas pu être lu (ECONNREFUSED)`,
    );
  });

  it('refuses the development login in production', () => {
    expect(() => testConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), AUTH_DEV_LOGIN: 'true' })).toThrow(
      /^Configuration invalide : AUTH_DEV_LOGIN est interdit en production/,
    );
  });
});
