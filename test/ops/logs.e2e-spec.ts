import { Client } from 'pg';
import { seedDemoData } from '@app/directory';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TEST_REDIS_URL } from '../setup/test-env';
import { API_MAIN, buildIfStale, freePort, Spawned, spawnNode, waitForHttp } from './spawned';

/**
 * What the compiled API writes to its logs when writes fail in the database: the failed
 * statement's parameters and PostgreSQL's "Failing row contains (…)" are the usager's, the
 * contact's or the message's data, and must not be there. Plus the request line, the request
 * id a client sends, and `Cache-Control` on everything that can carry personal data.
 */
const USAGER = { nom: 'Mireille Trouvé-Sancho', organisation: 'Gîte des Cévennes Zéphyr', email: 'mireille.sancho@exemple.fr', telephone: '04 99 87 65 43' };
const CONTACT = { nom: 'Hippolyte Garnier-Vidal', role: 'Chargé de mission Quetzal', email: 'hippolyte.garnier@exemple.org', telephone: '05 61 23 45 67' };
const MESSAGE = 'Le code du portail est 4821-Zèbre-Ouragan';
/** An usager whose question goes the whole way (issue #17): recorded, escalated, answered, tracked, searched for, asked about under the GDPR. */
const USAGER_SUIVI = { nom: 'Séraphine Quillevic-Dumas', organisation: 'Ferme du Vallon Azurin', email: 'seraphine.quillevic@exemple.net', telephone: '04 67 55 44 33' };
const LONG_ID = 'a'.repeat(8000);
/** An usager's tracking token (its shape, not a real one): a key, never logged. */
const SUIVI_TOKEN = 'Zq'.repeat(21) + 'Z';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the API’s logs and response headers', () => {
  let scratch: ScratchDatabase;
  let sql: Client;
  let api: Spawned;
  let base: string;
  let agent: string;
  let cabinet: string;
  let suiviToken: string;

  const call = (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
  const login = async (email: string) => ((await (await call('POST', '/api/v1/auth/dev-login', undefined, { email })).json()) as { accessToken: string }).accessToken;

  beforeAll(async () => {
    buildIfStale();
    scratch = await createScratchDatabase('relais_test_logs');
    await seedDemoData(scratch.dataSource);
    sql = await scratch.connect();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnNode([API_MAIN], {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: scratch.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: 'relais-test-logs',
      HOST: '127.0.0.1',
      PORT: String(port),
      AUTH_DEV_LOGIN: 'true',
      LOG_LEVEL: 'trace',
    });
    await waitForHttp(`${base}/health/live`, api);
    agent = await login('agent.carcassonne@relais.demo');
    cabinet = await login('cabinet.conseiller@relais.demo');
  }, 240_000);

  afterAll(async () => {
    if (api && api.child.exitCode === null) api.child.kill('SIGKILL');
    await sql?.end();
    await scratch?.drop();
  });

  it('serves an usager’s question through its whole cycle (its personal data in bodies, a search and a GDPR request)', async () => {
    const one = async (text: string) => (await sql.query(text)).rows[0].id as string;
    const tourisme = await one(`SELECT id FROM direction WHERE code = 'tourisme'`);
    const theme = await one(`SELECT id FROM theme WHERE code = 'TOURISME'`);
    const referent = await login('referent.tourisme@relais.demo');
    const admin = await login('admin@relais.demo');
    const ok = async (res: Promise<Response>, status = 200) => {
      const answer = await res;
      const text = await answer.text();
      expect({ status: answer.status, text: answer.status === status ? '' : text }).toEqual({ status, text: '' });
      return text ? JSON.parse(text) : undefined;
    };
    const question = await ok(
      call('POST', '/api/v1/questions', agent, { objet: 'Gîte rural', description: `Pour ${USAGER_SUIVI.nom}, joignable au ${USAGER_SUIVI.telephone}`, canal: 'email', themeId: theme, usager: { ...USAGER_SUIVI, consentement: true } }),
      201,
    );
    await ok(call('POST', `/api/v1/questions/${question.id}/escalader`, agent, { directionId: tourisme, message: `Voir ${USAGER_SUIVI.email}` }));
    await ok(call('POST', `/api/v1/questions/${question.id}/prendre-en-charge`, referent, {}));
    await ok(call('POST', `/api/v1/questions/${question.id}/demander-info`, referent, { message: `Quel projet pour ${USAGER_SUIVI.organisation} ?` }));
    await ok(call('POST', `/api/v1/questions/${question.id}/fournir-info`, agent, { message: 'Un gîte de six places.' }));
    await ok(call('POST', `/api/v1/questions/${question.id}/repondre`, referent, { reponse: `Madame ${USAGER_SUIVI.nom} peut déposer un dossier.` }));
    await ok(call('GET', `/api/v1/questions/${question.id}`, agent));
    await ok(call('GET', `/api/v1/questions/${question.id}/fil`, referent));
    const { token } = await ok(call('POST', `/api/v1/questions/${question.id}/lien-suivi`, agent, {}), 201);
    expect((await call('GET', `/suivi/${token}`)).status).toBe(200);
    await ok(call('GET', `/api/v1/recherche?q=${encodeURIComponent(USAGER_SUIVI.nom)}`, agent));
    await ok(call('POST', '/api/v1/rgpd/acces', admin, { email: USAGER_SUIVI.email }));
    suiviToken = token;
  });

  it('fails the writes that carry an usager, a commande contact and a message (the database refuses them)', async () => {
    const created = await call('POST', '/api/v1/questions', agent, { objet: 'Préalable', description: 'Question existante', canal: 'guichet', usager: { nom: 'Anonyme', consentement: true } });
    expect(created.status).toBe(201);
    const questionId = ((await created.json()) as { id: string }).id;

    // CHECK (false) NOT VALID: existing rows stay, every new one is refused with its whole row in `detail`.
    await sql.query('ALTER TABLE question_usager ADD CONSTRAINT test_refus_usager CHECK (false) NOT VALID');
    const question = await call('POST', '/api/v1/questions', agent, { objet: 'Hébergement', description: 'Aide', canal: 'telephone', usager: { ...USAGER, consentement: true } });
    expect(question.status).toBeGreaterThanOrEqual(500);

    await sql.query('ALTER TABLE commande ADD CONSTRAINT test_refus_commande CHECK (false) NOT VALID');
    const maisons = (await (await call('GET', '/api/v1/maisons', cabinet)).json()) as { items: Array<{ id: string; code: string }> };
    const echeance = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const commande = await call('POST', '/api/v1/commandes', cabinet, {
      titre: 'Atelier',
      objectif: 'Recueillir des besoins.',
      echeance,
      livrables: [{ libelle: 'Compte rendu' }],
      maisonIds: [maisons.items.find((m) => m.code === 'foix')!.id],
      materiel: ['Questionnaire'],
      contacts: [CONTACT],
    });
    expect(commande.status).toBeGreaterThanOrEqual(500);

    await sql.query('ALTER TABLE timeline_event ADD CONSTRAINT test_refus_fil CHECK (false) NOT VALID');
    const message = await call('POST', `/api/v1/questions/${questionId}/messages`, agent, { texte: MESSAGE, visibilite: 'partage' });
    expect(message.status).toBeGreaterThanOrEqual(500);
  });

  it('replaces an implausible x-request-id with a UUID and echoes the id it kept', async () => {
    const long = await call('GET', '/api/v1/me', agent, undefined, { 'x-request-id': LONG_ID });
    expect(long.status).toBe(200);
    expect(long.headers.get('x-request-id')).toMatch(UUID);
    const markup = await call('GET', '/api/v1/me', agent, undefined, { 'x-request-id': '<script>alert(1)</script>' });
    expect(markup.headers.get('x-request-id')).toMatch(UUID);
    const fine = await call('GET', '/api/v1/dispositifs?q=Mireille', agent, undefined, { 'x-request-id': 'trace.id-42_OK' });
    expect(fine.status).toBe(200);
    expect(fine.headers.get('x-request-id')).toBe('trace.id-42_OK');
    expect((await call('GET', '/api/v1/me')).headers.get('x-request-id')).toMatch(UUID);
  });

  it('answers Cache-Control: no-store on every API answer, errors included; the OpenAPI document stays cacheable', async () => {
    const answers = [
      await call('GET', '/api/v1/me', agent),
      await call('GET', '/api/v1/maisons', agent),
      await call('GET', '/api/v1/me'), // 401 problem+json
      await call('GET', '/api/v1/nulle-part', agent), // 404
      await call('POST', '/api/v1/questions', agent, { objet: '' }), // 400
      await call('POST', '/api/v1/auth/dev-login', undefined, { email: 'agent.carcassonne@relais.demo' }),
      await call('GET', '/health/live'),
      await call('GET', `/suivi/${SUIVI_TOKEN}`), // the tracking page's 404
      await call('GET', `/public/documents/${SUIVI_TOKEN}`), // a share link's 404
    ];
    for (const answer of answers) expect([answer.url, answer.headers.get('cache-control')]).toEqual([answer.url, expect.stringMatching(/(^|, )no-store(,|$)/)]);
    const docs = await call('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('cache-control') ?? '').not.toMatch(/no-store/);
  });

  it('logged the failures, one short line per request, without any of that data', async () => {
    api.child.kill('SIGTERM');
    await api.exited;
    const logs = api.stdout() + api.stderr();
    // The failures were logged, by constraint (so the test looks at the right lines)…
    for (const constraint of ['test_refus_usager', 'test_refus_commande', 'test_refus_fil']) expect(logs).toContain(constraint);
    // …and nothing of what the refused rows held.
    for (const value of [...Object.values(USAGER), CONTACT.nom, CONTACT.role, CONTACT.email, CONTACT.telephone, MESSAGE, 'Zèbre', 'Quetzal', 'Zéphyr'])
      expect({ value, found: logs.includes(value) }).toEqual({ value, found: false });
    // …nor of the usager whose question went the whole way, nor its tracking token.
    for (const value of [...Object.values(USAGER_SUIVI), 'Quillevic', 'seraphine', encodeURIComponent(USAGER_SUIVI.nom), suiviToken])
      expect({ value, found: logs.includes(value) }).toEqual({ value, found: false });
    expect(logs).not.toContain('PARAMETERS');
    expect(logs).not.toContain('Failing row');

    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(5);
    for (const entry of requests) {
      expect(Object.keys(entry.res)).toEqual(['statusCode']);
      expect(entry.req).toEqual({ id: expect.any(String), method: expect.any(String), url: expect.not.stringContaining('?') });
      expect(entry.responseTime).toEqual(expect.any(Number));
    }
    const traced = requests.find((entry) => entry.req.id === 'trace.id-42_OK');
    expect(traced).toMatchObject({ req: { method: 'GET', url: '/api/v1/dispositifs' }, res: { statusCode: 200 } });
    expect(JSON.stringify(traced).length).toBeLessThan(400);
    expect(logs).not.toContain('a'.repeat(65));
    expect(logs).not.toContain('<script>');
    expect(logs).not.toContain('Mireille');
    expect(logs).not.toContain(SUIVI_TOKEN);
    // The usager's page (200) and the unknown token (404), both with the token masked.
    expect(requests.filter((entry) => entry.req.url.startsWith('/suivi/')).map((entry) => [entry.req.url, entry.res.statusCode])).toEqual([
      ['/suivi/[masqué]', 200],
      ['/suivi/[masqué]', 404],
    ]);
    expect(requests.find((entry) => entry.req.url.startsWith('/public/documents/'))).toMatchObject({ req: { url: '/public/documents/[masqué]' }, res: { statusCode: 404 } });
  });
});
