import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

type KeyLike = Parameters<SignJWT['sign']>[0];
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, questionBody } from '../questions/fixtures';

/**
 * Forged and misused tokens (issue #17): each answers 401 problem+json with an RFC 6750
 * challenge, on a read and on a write, and the write leaves the database as it was. Both ways
 * Relais accepts a token are covered: the development issuer (HS256, AUTH_DEV_LOGIN) and an
 * OIDC provider's keys (RS256 through JWKS). Only the Authorization header carries a token:
 * one in a cookie or in the query string is no token.
 */

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned JWT (`alg: none`), as RFC 7519 §6.1 writes it: an empty signature. */
const unsigned = (header: Record<string, unknown>, claims: Record<string, unknown>) => `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`;
const now = () => Math.floor(Date.now() / 1000);

/** The checks every refused token passes: a read and a write refused, nothing written. */
async function expectRefused(api: TestApi, db: TestDb, body: unknown, token: string, headers: Record<string, string> = {}, reason?: RegExp) {
  const before = await db.questionCounts();
  const read = await api.get('/api/v1/me', { token, headers });
  const write = await api.post('/api/v1/questions', body, { token, headers });
  for (const res of [read, write]) {
    expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status: 401, type: expect.stringMatching(/^application\/problem\+json/) });
    expect(res.body).toMatchObject({ status: 401, code: 'NON_AUTHENTIFIE', detail: expect.any(String) });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="relais"/);
    if (reason) expect(res.headers.get('www-authenticate')).toMatch(reason);
  }
  expect(await db.questionCounts()).toEqual(before);
}

describe('tokens: the development issuer (HS256)', () => {
  let api: TestApi;
  let db: TestDb;
  let userId: string;
  let body: unknown;
  let secret: Uint8Array;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
    userId = (await db.one(`SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo'`)).id;
    body = questionBody({ themeId: (await directoryFixture(db)).themeTourisme });
    secret = new TextEncoder().encode(api.config.devSecret);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const dev = (claims: Record<string, unknown> = {}, alg = 'HS256') =>
    new SignJWT({ email: 'agent.carcassonne@relais.demo', role: 'agent_mdr', ...claims }).setProtectedHeader({ alg, typ: 'JWT' }).setSubject(userId).setIssuer('relais-dev');

  it('a well-formed token of the development issuer passes (the baseline the others break)', async () => {
    const token = await dev().setAudience('relais').setIssuedAt().setExpirationTime('5m').sign(secret);
    expect((await api.get('/api/v1/me', { token })).status).toBe(200);
  });

  it('wrong signature: another secret, or a valid token with its signature altered', async () => {
    await expectRefused(api, db, body, await dev().setAudience('relais').setExpirationTime('5m').sign(new TextEncoder().encode('un-autre-secret-de-plus-de-32-caracteres!!')), {}, /signature/);
    const good = await dev().setAudience('relais').setExpirationTime('5m').sign(secret);
    const [h, p, s] = good.split('.');
    await expectRefused(api, db, body, `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`);
    // The claims changed under the original signature (another user named).
    const other = (await db.one(`SELECT id FROM users WHERE email = 'admin@relais.demo'`)).id;
    await expectRefused(api, db, body, `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: other })}.${s}`, {}, /signature/);
  });

  it('alg none, with and without a signature part; alg switched to another HMAC', async () => {
    const claims = { sub: userId, iss: 'relais-dev', aud: 'relais', exp: now() + 300 };
    await expectRefused(api, db, body, unsigned({ typ: 'JWT' }, claims), {}, /algorithm/);
    await expectRefused(api, db, body, unsigned({ typ: 'JWT' }, claims).slice(0, -1));
    await expectRefused(api, db, body, await dev({}, 'HS512').setAudience('relais').setExpirationTime('5m').sign(secret), {}, /algorithm/);
  });

  it('expired, not yet valid, wrong audience, wrong issuer, no subject', async () => {
    await expectRefused(api, db, body, await dev().setAudience('relais').setIssuedAt(now() - 7200).setExpirationTime(now() - 3600).sign(secret), {}, /expired/);
    await expectRefused(api, db, body, await dev().setAudience('relais').setNotBefore(now() + 3600).setExpirationTime(now() + 7200).sign(secret), {}, /not valid yet/);
    await expectRefused(api, db, body, await dev().setAudience('autre-application').setExpirationTime('5m').sign(secret), {}, /audience/);
    await expectRefused(api, db, body, await dev().setIssuer('https://ailleurs.test').setAudience('relais').setExpirationTime('5m').sign(secret), {}, /issuer/);
    const noSubject = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('relais-dev').setAudience('relais').setExpirationTime('5m').sign(secret);
    await expectRefused(api, db, body, noSubject, {}, /malformed/);
  });

  it('a valid token anywhere but the Authorization header is no token: cookie, query string, another scheme', async () => {
    const token = await api.login('agent.carcassonne@relais.demo');
    for (const [path, headers] of [
      ['/api/v1/me', { cookie: `access_token=${token}; token=${token}; Authorization=Bearer%20${token}` }],
      [`/api/v1/me?access_token=${token}`, {}],
      ['/api/v1/me', { authorization: `Basic ${Buffer.from(`x:${token}`).toString('base64')}` }],
      ['/api/v1/me', { authorization: `Bearer ${token} ${token}` }],
      ['/api/v1/me', { authorization: token }],
    ] as Array<[string, Record<string, string>]>) {
      const res = await api.get(path, { headers });
      expect({ path: path.slice(0, 20), headers: Object.keys(headers), status: res.status }).toEqual({ path: path.slice(0, 20), headers: Object.keys(headers), status: 401 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });
});

describe('tokens: an OIDC provider (RS256 through JWKS)', () => {
  let api: TestApi;
  let db: TestDb;
  let jwksServer: Server;
  let body: unknown;
  let privateKey: KeyLike;
  let otherKey: KeyLike;
  let publicJwk: Record<string, unknown>;
  const issuer = 'https://sso.example.test/realms/region';
  const AUDIENCE = 'relais-api';
  const WEB_CLIENT = 'relais-web';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'cle-1', alg: 'RS256', use: 'sig' };
    jwksServer = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const port = (jwksServer.address() as AddressInfo).port;
    api = await TestApi.start({
      config: { OIDC_ISSUER: issuer, OIDC_JWKS_URL: `http://127.0.0.1:${port}/certs`, OIDC_AUDIENCE: AUDIENCE, OIDC_WEB_CLIENT_ID: WEB_CLIENT, AUTH_DEV_LOGIN: 'false' },
    });
    db = new TestDb();
    body = questionBody({ themeId: (await directoryFixture(db)).themeTourisme });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  const access = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT({ email: 'agent.carcassonne@relais.demo', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'cle-1', typ: 'at+jwt', ...header })
      .setIssuer(issuer)
      .setSubject('sso-123')
      .setIssuedAt();

  it('the provider’s access token passes (the baseline the others break)', async () => {
    const token = await access().setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey);
    expect((await api.get('/api/v1/me', { token })).body).toMatchObject({ email: 'agent.carcassonne@relais.demo' });
  });

  it('wrong signature: another key under the provider’s kid, a key id the provider never had', async () => {
    await expectRefused(api, db, body, await access().setAudience(AUDIENCE).setExpirationTime('5m').sign(otherKey), {}, /signature/);
    await expectRefused(api, db, body, await access({}, { kid: 'cle-inconnue' }).setAudience(AUDIENCE).setExpirationTime('5m').sign(otherKey), {}, /unknown key/);
  });

  it('alg none; HS256 keyed with the provider’s public key (algorithm confusion)', async () => {
    const claims = { email: 'agent.carcassonne@relais.demo', iss: issuer, aud: AUDIENCE, sub: 'sso-123', exp: now() + 300 };
    await expectRefused(api, db, body, unsigned({ kid: 'cle-1', typ: 'at+jwt' }, claims));
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'cle-1' }).sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    await expectRefused(api, db, body, confused);
  });

  it('expired; no expiry at all; wrong audience (another API of the provider, the web app itself)', async () => {
    await expectRefused(api, db, body, await access().setAudience(AUDIENCE).setIssuedAt(now() - 7200).setExpirationTime(now() - 3600).sign(privateKey), {}, /expired/);
    await expectRefused(api, db, body, await access().setAudience(AUDIENCE).sign(privateKey));
    await expectRefused(api, db, body, await access().setAudience('https://autre.test/api').setExpirationTime('5m').sign(privateKey), {}, /audience/);
    await expectRefused(api, db, body, await access().setAudience(WEB_CLIENT).setExpirationTime('5m').sign(privateKey), {}, /audience/);
  });

  it('an ID token instead of the access token, however it is dressed', async () => {
    const id = (claims: Record<string, unknown>, typ?: string) =>
      access(claims, typ === undefined ? { typ: undefined } : { typ }).setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey);
    // Audience = the web app's client id: the real ID token.
    await expectRefused(api, db, body, await access({ nonce: 'n-1', at_hash: 'x' }, { typ: 'JWT' }).setAudience(WEB_CLIENT).setExpirationTime('5m').sign(privateKey));
    // Audience forced to the API's: still an ID token by its claims, its typ, its authorized party.
    await expectRefused(api, db, body, await id({ nonce: 'n-1' }, 'JWT'), {}, /Not an access token/);
    await expectRefused(api, db, body, await id({ at_hash: 'abc' }), {}, /Not an access token/);
    await expectRefused(api, db, body, await id({ typ: 'ID' }, 'JWT'), {}, /Not an access token/);
    await expectRefused(api, db, body, await id({ azp: AUDIENCE }, 'JWT'), {}, /Not an access token/);
    await expectRefused(api, db, body, await id({}, 'logout+jwt'), {}, /Not an access token/);
  });

  it('an e-mail the provider has not verified, a token naming nobody, another issuer', async () => {
    await expectRefused(api, db, body, await access({ email_verified: false }).setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey), {}, /not verified/);
    await expectRefused(api, db, body, await access({ email: 'inconnu@relais.demo' }).setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey));
    await expectRefused(api, db, body, await access({ email: undefined }).setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey), {}, /e-mail claim/);
    await expectRefused(api, db, body, await access().setIssuer('https://ailleurs.test').setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey), {}, /issuer/);
  });
});
