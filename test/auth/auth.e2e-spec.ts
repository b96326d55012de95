import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';

describe('identity', () => {
  let api: TestApi;
  let db: TestDb;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('dev-login returns a bearer token and /me describes the caller with role and scope', async () => {
    const login = await api.post('/api/v1/auth/dev-login', { email: 'Agent.Carcassonne@relais.demo' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number), accessToken: expect.any(String) });
    const me = await api.get('/api/v1/me', { token: login.body.accessToken });
    expect(me.status).toBe(200);
    const carcassonne = await db.one(`SELECT id FROM maison WHERE code = 'carcassonne'`);
    expect(me.body).toMatchObject({
      email: 'agent.carcassonne@relais.demo',
      role: 'agent_mdr',
      perimetre: 'maison',
      maisonId: carcassonne.id,
      directionId: null,
    });
    expect(me.body.displayName).toEqual(expect.any(String));
  });

  it('lists the demo users for a login page, every role present', async () => {
    const res = await api.get('/api/v1/auth/dev-users');
    expect(res.status).toBe(200);
    const roles = new Set(res.body.map((u: any) => u.role));
    expect([...roles].sort()).toEqual(['admin', 'agent_mdr', 'cabinet', 'manager', 'referent', 'responsable_mdr']);
    const agent = res.body.find((u: any) => u.email === 'agent.carcassonne@relais.demo');
    expect(agent.maisonNom).toMatch(/Carcassonne/);
  });

  it('refuses unknown accounts, bad e-mails and deactivated users', async () => {
    const unknown = await api.post('/api/v1/auth/dev-login', { email: 'personne@relais.demo' });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    const bad = await api.post('/api/v1/auth/dev-login', { email: 'pas-un-email' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/e-mail/) }]);

    const token = (await api.post('/api/v1/auth/dev-login', { email: 'agent.mende@relais.demo' })).body.accessToken;
    await db.query(`UPDATE users SET actif = false WHERE email = 'agent.mende@relais.demo'`);
    try {
      const me = await api.get('/api/v1/me', { token });
      expect(me.status).toBe(401);
      expect(me.body.detail).toMatch(/désactivé/);
    } finally {
      await db.query(`UPDATE users SET actif = true WHERE email = 'agent.mende@relais.demo'`);
    }
  });

  it('a deactivation or a role change takes effect within AUTH_USER_CACHE_MS, even for a caller the API has just seen', async () => {
    const ttl = api.config.AUTH_USER_CACHE_MS;
    expect(ttl).toBeGreaterThan(0);
    const email = 'agent.mende@relais.demo';
    const token = (await api.post('/api/v1/auth/dev-login', { email })).body.accessToken;
    // Seen (and kept) by the API.
    expect((await api.get('/api/v1/me', { token })).body.role).toBe('agent_mdr');
    const [{ role, perimetre }] = await db.query(`SELECT role, perimetre FROM users WHERE email = $1`, [email]);
    const within = async (what: string, check: (res: { status: number; body: any }) => boolean) => {
      const since = Date.now();
      for (;;) {
        const res = await api.get('/api/v1/me', { token });
        if (check(res)) return Date.now() - since;
        if (Date.now() - since > ttl + 1000) throw new Error(`${what}: still ${res.status} ${JSON.stringify(res.body)} after ${ttl} ms + 1 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await db.query(`UPDATE users SET role = 'responsable_mdr' WHERE email = $1`, [email]);
      expect(await within('role change', (res) => res.body.role === 'responsable_mdr')).toBeLessThanOrEqual(ttl + 1000);
      await db.query(`UPDATE users SET actif = false WHERE email = $1`, [email]);
      expect(await within('deactivation', (res) => res.status === 401)).toBeLessThanOrEqual(ttl + 1000);
      // Refused, it is read again at every request: reactivated, let in at once.
      expect((await api.get('/api/v1/me', { token })).status).toBe(401);
      await db.query(`UPDATE users SET actif = true WHERE email = $1`, [email]);
      expect((await api.get('/api/v1/me', { token })).status).toBe(200);
    } finally {
      await db.query(`UPDATE users SET actif = true, role = $2, perimetre = $3 WHERE email = $1`, [email, role, perimetre]);
    }

    // AUTH_USER_CACHE_MS=0: read at every request, a deactivation refused at the next one.
    const uncached = await TestApi.start({ config: { AUTH_USER_CACHE_MS: '0' } });
    try {
      const t = (await uncached.post('/api/v1/auth/dev-login', { email })).body.accessToken;
      expect((await uncached.get('/api/v1/me', { token: t })).status).toBe(200);
      await db.query(`UPDATE users SET actif = false WHERE email = $1`, [email]);
      expect((await uncached.get('/api/v1/me', { token: t })).status).toBe(401);
    } finally {
      await db.query(`UPDATE users SET actif = true WHERE email = $1`, [email]);
      await uncached.close();
    }
  }, 30_000);

  it('answers 401 problem+json without a token, with a forged or expired one', async () => {
    const none = await api.get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, code: 'NON_AUTHENTIFIE', type: expect.any(String) });

    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('relais-dev').setAudience('relais')
      .setExpirationTime('1h').sign(new TextEncoder().encode('un-autre-secret-de-plus-de-32-caracteres!!'));
    expect((await api.get('/api/v1/me', { token: forged })).status).toBe(401);

    const user = await db.one(`SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo'`);
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(user.id).setIssuer('relais-dev').setAudience('relais')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(api.config.devSecret));
    const res = await api.get('/api/v1/me', { token: expired });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/expiré/);
  });

  it('forbids a role outside the route’s roles (403) and hides out-of-scope tickets (404)', async () => {
    const cabinet = await api.login('cabinet.conseiller@relais.demo');
    const list = await api.get('/api/v1/questions', { token: cabinet });
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('INTERDIT');
    const unknown = await api.get('/api/v1/questions/00000000-0000-4000-8000-000000000000', { token: cabinet });
    expect(unknown.status).toBe(404);
  });
});

describe('identity without the development login', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await TestApi.start({ config: { AUTH_DEV_LOGIN: 'false' } });
  });
  afterAll(() => api.close());

  it('does not expose dev-login nor dev-users at all', async () => {
    expect((await api.post('/api/v1/auth/dev-login', { email: 'admin@relais.demo' })).status).toBe(404);
    expect((await api.get('/api/v1/auth/dev-users')).status).toBe(404);
  });
});

describe('login rate limit', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await TestApi.start({ config: { LOGIN_RATE_LIMIT: '3' } });
  });
  afterAll(() => api.close());

  it('answers 429 problem+json past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.post('/api/v1/auth/dev-login', { email: 'inconnu@relais.demo' })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const res = await api.post('/api/v1/auth/dev-login', { email: 'admin@relais.demo' });
    expect(res.status).toBe(429);
    expect(res.body.detail).toMatch(/Trop de tentatives/);
  });
});

/** An OIDC provider replaces the dev issuer by configuration alone: tokens signed with its JWKS keys, users matched by e-mail. */
describe('identity through an OIDC provider (JWKS)', () => {
  let api: TestApi;
  let jwksServer: Server;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  const issuer = 'https://sso.example.test/realms/region';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'cle-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const port = (jwksServer.address() as AddressInfo).port;
    api = await TestApi.start({
      config: { OIDC_ISSUER: issuer, OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs`, OIDC_AUDIENCE: 'relais', OIDC_WEB_CLIENT_ID: 'relais-web', AUTH_DEV_LOGIN: 'false' },
    });
  });

  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const sign = (claims: Record<string, unknown>, iss = issuer) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'cle-1' }).setIssuer(iss).setAudience('relais').setSubject('sso-123')
      .setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('accepts the provider’s token and finds the user by e-mail', async () => {
    const me = await api.get('/api/v1/me', { token: await sign({ email: 'Referent.Tourisme@relais.demo' }) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'referent.tourisme@relais.demo', role: 'referent', perimetre: 'direction' });
  });

  it('refuses another issuer, an unknown e-mail and a dev token', async () => {
    expect((await api.get('/api/v1/me', { token: await sign({ email: 'referent.tourisme@relais.demo' }, 'https://ailleurs.test') })).status).toBe(401);
    expect((await api.get('/api/v1/me', { token: await sign({ email: 'inconnu@relais.demo' }) })).status).toBe(401);
    const devToken = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('relais-dev').setAudience('relais')
      .setExpirationTime('1h').sign(new TextEncoder().encode(api.config.devSecret));
    expect((await api.get('/api/v1/me', { token: devToken })).status).toBe(401);
  });
});
