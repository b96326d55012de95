import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { clearRateLimits, TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS as Q, questionBody, recordQuestion } from '../questions/fixtures';
import { discoverRoutes } from './routes';

/**
 * Issue #17, part 3, the rest of the list: oversized bodies on every route that takes one (JSON
 * and multipart), and the public links (the usager's tracking page, shared documents) neither
 * guessable nor enumerable. The login rate limit across two API processes is proven by
 * test/auth/rate-limit.e2e-spec.ts (two instances over HTTP) and test/ops/multi-process
 * (two compiled APIs behind a balancer); personal data in logs by test/ops/logs.e2e-spec.ts.
 */

const RATE = 8;
const randomToken = () => randomBytes(32).toString('base64url');

describe('oversized bodies and public links', () => {
  let api: TestApi;
  let db: TestDb;
  let documentsDir: string;
  let dir: Awaited<ReturnType<typeof directoryFixture>>;
  let admin: string;
  let referent: string;

  beforeAll(async () => {
    documentsDir = await mkdtemp(join(tmpdir(), 'relais-links-documents-'));
    api = await TestApi.start({ config: { DOCUMENTS_DIR: documentsDir, DOCUMENT_TAILLE_MAX_MO: '1', SUIVI_RATE_LIMIT: String(RATE), DOCUMENT_LIEN_RATE_LIMIT: String(RATE) } });
    db = new TestDb();
    dir = await directoryFixture(db);
    admin = await api.login(Q.admin);
    referent = await api.login(Q.referentTourisme);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
    await rm(documentsDir, { recursive: true, force: true });
  });

  /** Every row of the tables a write could touch, counted. */
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['question', 'question_usager', 'timeline_event', 'outbox', 'commande', 'document', 'document_lien', 'webhook_endpoint', 'reponse_publiee'].map(
          async (t) => [t, await db.count(t)] as const,
        ),
      ),
    );

  const upload = (size: number, titre = 'Règlement') => {
    const form = new FormData();
    form.append('titre', titre);
    form.append('diffusion', 'externe');
    form.append('fichier', new Blob([Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(Math.max(0, size - 16), 0x20), Buffer.from('\n%%EOF\n')])]), 'reglement.pdf');
    return fetch(`${api.baseUrl}/api/v1/dispositifs/${dir.eceau}/documents`, { method: 'POST', headers: { authorization: `Bearer ${referent}` }, body: form });
  };

  it('a JSON body over 1 MB: 413 problem+json on every route that takes a body, nothing written', async () => {
    const routes = discoverRoutes(api.app).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !r.path.endsWith('/dispositifs/:id/documents'));
    expect(routes.length).toBeGreaterThan(30);
    const before = await counts();
    const huge = JSON.stringify({ texte: 'x'.repeat(1_100_000) });
    for (const route of routes) {
      const path = route.path.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000001');
      const res = await api.request(route.method, path, { token: admin, body: huge });
      expect({ route: `${route.method} ${route.path}`, status: res.status, type: res.headers.get('content-type') }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 413,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect(res.body).toMatchObject({ status: 413, detail: expect.any(String) });
    }
    expect(await counts()).toEqual(before);
  });

  it('a document over DOCUMENT_TAILLE_MAX_MO: 413 problem+json, nothing stored; at the limit it is accepted', async () => {
    const before = await counts();
    const tooBig = await upload(1024 * 1024 + 1);
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await tooBig.json()).toMatchObject({ status: 413, detail: expect.any(String) });
    expect(await counts()).toEqual(before);
    const atLimit = await upload(1024 * 1024);
    expect(atLimit.status).toBe(201);
  });

  it('tracking and share tokens: 43 base64url characters of 256 random bits, all different, only their hash stored', async () => {
    const tokens: string[] = [];
    const agent = await api.login(Q.agentCarcassonne);
    for (let i = 0; i < 10; i++) {
      const question = await recordQuestion(api, questionBody({ themeId: dir.themeTourisme }));
      tokens.push((await api.post(`/api/v1/questions/${question.id}/lien-suivi`, {}, { token: agent })).body.token);
    }
    const document = (await (await upload(100)).json()) as { id: string };
    for (let i = 0; i < 10; i++) tokens.push((await api.post(`/api/v1/documents/${document.id}/liens`, {}, { token: referent })).body.token);

    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    // 860 characters drawn uniformly from 64: nearly every symbol appears, none dominates, no shared prefix.
    const freq = new Map<string, number>();
    for (const c of tokens.join('')) freq.set(c, (freq.get(c) ?? 0) + 1);
    const n = tokens.join('').length;
    const entropy = -[...freq.values()].reduce((s, f) => s + (f / n) * Math.log2(f / n), 0);
    expect(entropy).toBeGreaterThan(5.7); // 6 bits per character at most
    expect(Math.max(...freq.values())).toBeLessThan(40);
    const prefixes = new Set(tokens.map((t) => t.slice(0, 4)));
    expect(prefixes.size).toBe(tokens.length);
    // Only hashes in the database: no table holds a token in clear.
    const tables = (await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.tablename as string);
    for (const token of [tokens[0], tokens[10]]) {
      const found = [];
      for (const t of tables) if ((await db.count(`"${t}" x`, `x::text LIKE $1`, [`%${token}%`])) > 0) found.push(t);
      expect({ token, found }).toEqual({ token, found: [] });
    }
  });

  it('enumeration: an unknown, malformed, replaced or revoked token gets the same 404 as any other', async () => {
    await clearRateLimits(api.config);
    const agent = await api.login(Q.agentCarcassonne);
    const question = await recordQuestion(api, questionBody({ themeId: dir.themeTourisme }));
    const replaced = (await api.post(`/api/v1/questions/${question.id}/lien-suivi`, {}, { token: agent })).body.token as string;
    const current = (await api.post(`/api/v1/questions/${question.id}/lien-suivi`, {}, { token: agent })).body.token as string;
    expect((await api.get(`/suivi/${current}`)).status).toBe(200);
    const suivi = await Promise.all([randomToken(), randomToken(), 'abc', replaced].map((t) => api.get(`/suivi/${t}`)));
    expect(suivi.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(suivi.map((r) => r.text)).size).toBe(1);
    expect(new Set(suivi.map((r) => r.headers.get('content-type'))).size).toBe(1);

    const document = (await (await upload(100)).json()) as { id: string };
    const revoked = (await api.post(`/api/v1/documents/${document.id}/liens`, {}, { token: referent })).body as { id: string; token: string };
    const live = (await api.post(`/api/v1/documents/${document.id}/liens`, {}, { token: referent })).body as { token: string };
    expect((await api.request('DELETE', `/api/v1/liens/${revoked.id}`, { token: referent })).status).toBe(204);
    const live200 = await fetch(`${api.baseUrl}/public/documents/${live.token}`);
    await live200.arrayBuffer();
    expect(live200.status).toBe(200);
    const shared = await Promise.all([randomToken(), randomToken(), 'abc', revoked.token].map((t) => api.get(`/public/documents/${t}`)));
    expect(shared.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    // The same problem, byte for byte but the request id it may name.
    expect(new Set(shared.map((r) => JSON.stringify({ ...r.body, instance: undefined }))).size).toBe(1);
  });

  it('enumeration is rate-limited per client: past the limit even a valid token is refused (429), on both kinds of link', async () => {
    await clearRateLimits(api.config);
    const agent = await api.login(Q.agentCarcassonne);
    const question = await recordQuestion(api, questionBody({ themeId: dir.themeTourisme }));
    const valid = (await api.post(`/api/v1/questions/${question.id}/lien-suivi`, {}, { token: agent })).body.token as string;
    const document = (await (await upload(100)).json()) as { id: string };
    const lien = (await api.post(`/api/v1/documents/${document.id}/liens`, {}, { token: referent })).body.token as string;

    for (const [base, token] of [['/suivi/', valid], ['/public/documents/', lien]]) {
      const tries = [];
      for (let i = 0; i < RATE; i++) tries.push((await api.get(`${base}${randomToken()}`)).status);
      expect(tries).toEqual(Array(RATE).fill(404));
      const blocked = await api.get(`${base}${token}`);
      expect({ base, status: blocked.status }).toEqual({ base, status: 429 });
      expect(blocked.text).not.toContain(question.reference);
    }
  });
});
