import { connect } from 'node:net';
import { ManualClock } from '@app/core';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { DEBUT, briefComplet, CommandeIds, commandeFixture, emise, EMAILS as C, rediger } from '../commandes/fixtures';
import { EMAILS as Q, questionBody, recordQuestion } from '../questions/fixtures';

/**
 * The bad inputs issue 11 saw answered with a 500: each is a 400 (or 404, 413, 415, 431)
 * problem+json naming what is wrong, and writes nothing.
 */
describe('bad input is a 4xx problem, never a 500', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: CommandeIds;
  let agent: string;
  let conseiller: string;
  let question: any;
  let commande: any;
  const clock = new ManualClock(new Date(DEBUT));

  const TABLES = ['question', 'question_usager', 'commande', 'affectation', 'commande_contact', 'timeline_event', 'outbox', 'idempotency_key'];
  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of TABLES) {
      const [{ exists }] = await db.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [t]);
      if (exists) out[t] = await db.count(t);
    }
    return out;
  }

  beforeAll(async () => {
    api = await TestApi.start({ clock });
    db = new TestDb();
    ids = await commandeFixture(db);
    agent = await api.login(Q.agentCarcassonne);
    conseiller = await api.login(C.conseiller);
    question = await recordQuestion(api);
    commande = await rediger(api, briefComplet(ids));
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  async function expectProblem(
    request: () => Promise<{ status: number; headers: Headers; body: any; text: string }>,
    status: number,
    field?: string,
  ): Promise<any> {
    const before = await counts();
    const res = await request();
    expect({ status: res.status, text: res.text.slice(0, 300) }).toMatchObject({ status });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:relais:probleme:/), title: expect.any(String), detail: expect.any(String) });
    if (field) expect(res.body.errors?.map((e: any) => e.field)).toContain(field);
    expect(await counts()).toEqual(before);
    return res.body;
  }

  const post = (path: string, body: unknown, token = agent, headers?: Record<string, string>) => () => api.post(`/api/v1${path}`, body, { token, headers });
  const get = (path: string, token = agent) => () => api.get(`/api/v1${path}`, { token });
  const cursor = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  describe('NUL and lone surrogates in any text', () => {
    it.each([
      ['objet', { objet: 'a\u0000b' }],
      ['usager.nom', { usager: { nom: 'Jean\u0000', consentement: true } }],
      ['usager.organisation', { usager: { nom: 'Jean', organisation: '\u0000', consentement: true } }],
      ['objet', { objet: 'x\ud800y' }],
      ['description', { description: '\udfff' }],
    ])('a question naming %s', async (field, overrides) => {
      await expectProblem(post('/questions', questionBody(overrides)), 400, field);
    });

    it('a message, a commande title, a contact', async () => {
      await expectProblem(post(`/questions/${question.id}/messages`, { texte: 'a\u0000', visibilite: 'interne' }), 400, 'texte');
      await expectProblem(post(`/questions/${question.id}/messages`, { texte: 'a\ud800', visibilite: 'interne' }), 400, 'texte');
      await expectProblem(post('/commandes', { titre: 'T\u0000' }, conseiller), 400, 'titre');
      await expectProblem(post('/commandes', { contacts: [{ nom: 'N\u0000' }] }, conseiller), 400, 'contacts.0.nom');
    });

    it('a key of an object too', async () => {
      await expectProblem(post('/questions', { ...questionBody(), 'x\u0000': 1 }), 400);
    });

    it('a query string', async () => {
      await expectProblem(get('/dispositifs?q=%00'), 400, 'q');
      await expectProblem(get('/dispositifs?q=eau%00'), 400, 'q');
    });
  });

  describe('forged cursors', () => {
    const forged = () => [
      cursor({ k: '1' }),
      cursor({ k: '1', id: '00000000-0000-4000-8000-000000000001' }),
      cursor({ k: null, id: '-'.repeat(36) }),
      cursor({ k: '+275760-09-13T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' }),
      cursor({ k: 5, id: '00000000-0000-4000-8000-000000000001' }),
      cursor({ k: '2026-13-40T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' }),
      cursor([1, 2]),
      cursor('null'),
      '%%%',
    ];
    it.each([
      ['/questions', Q.agentCarcassonne],
      ['/file-referent', Q.referentTourisme],
      ['/commandes', C.conseiller],
      ['/tableaux-de-bord/commandes', C.conseiller],
      ['/maisons', C.conseiller],
    ])('%s answers 400 naming cursor', async (path, email) => {
      const token = await api.login(email);
      for (const c of forged()) await expectProblem(get(`${path}?cursor=${encodeURIComponent(c)}`, token), 400, 'cursor');
    });
  });

  describe('?apres= of a timeline', () => {
    it.each(['1e30', '9007199254740993', '2147483648', '-1', '1.5', 'abc', '0x10', ''])('apres=%s is a 400 naming apres', async (apres) => {
      await expectProblem(get(`/questions/${question.id}/fil?apres=${apres}`), 400, 'apres');
      await expectProblem(get(`/commandes/${commande.id}/fil?apres=${apres}`, conseiller), 400, 'apres');
    });

    it('a real number still works', async () => {
      expect((await api.get(`/api/v1/questions/${question.id}/fil?apres=1`, { token: agent })).status).toBe(200);
      expect((await api.get(`/api/v1/commandes/${commande.id}/fil?apres=0`, { token: conseiller })).status).toBe(200);
    });
  });

  describe('shapes', () => {
    it.each([[[]], [[{ nom: 'Jean', consentement: true }]], ['Jean'], [42]])('usager %j is a 400 naming usager', async (usager) => {
      await expectProblem(post('/questions', questionBody({ usager })), 400, 'usager');
    });

    it('nested lists in livrables, contacts, materiel are refused and never stored', async () => {
      const patch = (body: unknown) => () =>
        api.request('PATCH', `/api/v1/commandes/${commande.id}`, { token: conseiller, body, headers: { 'if-match': `"${commande.version}"` } });
      await expectProblem(patch({ livrables: [[]] }), 400, 'livrables');
      await expectProblem(patch({ contacts: [[{ nom: 'a' }]] }), 400, 'contacts');
      await expectProblem(patch({ materiel: [['a']] }), 400, 'materiel');
      await expectProblem(post('/commandes', { contacts: [[{ nom: 'a' }]] }, conseiller), 400, 'contacts');
      await expectProblem(post('/commandes', { livrables: [[{ libelle: 'a' }]] }, conseiller), 400, 'livrables');
      const stored = await api.get(`/api/v1/commandes/${commande.id}`, { token: conseiller });
      expect(stored.body.contacts.every((c: any) => c.nom || c.role || c.email || c.telephone)).toBe(true);
    });
  });

  it.each([1e-7, 5e-324, 0.001])('a budget of %d (no "." in its text, or three decimals) is a 400 naming budget', async (budget) => {
    await expectProblem(post('/commandes', { titre: 'Budget', budget }, conseiller), 400, 'budget');
  });

  describe('path parameters', () => {
    it('a calendar id that only looks like one', async () => {
      const admin = await api.login(Q.admin);
      const res = await api.get(`/api/v1/calendriers/maison-${'-'.repeat(36)}`, { token: admin });
      expect([400, 404]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('GET /questions/suggestions is its own route, not /questions/{id} with a malformed id', async () => {
      const body = await expectProblem(get('/questions/suggestions'), 400);
      expect(new Set(body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['objet']));
    });
  });

  describe('JSON depth', () => {
    const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

    it('a body nested 50 000 deep is refused before it is parsed, even on the public dev-login', async () => {
      const body = deep(50_000);
      expect(body.length).toBeLessThan(1_048_576);
      const res = await api.request('POST', '/api/v1/auth/dev-login', { body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('JSON_TROP_PROFOND');
    });

    it('arrays count too, and brackets inside strings do not', async () => {
      await expectProblem(post('/questions', '['.repeat(40) + ']'.repeat(40)), 400);
      const res = await api.post('/api/v1/questions', JSON.stringify(questionBody({ description: '{['.repeat(100) + '\\"' })), { token: agent });
      expect(res.status).toBe(201);
    });

    it('a body at the limit depth still parses (and is then validated)', async () => {
      const res = await api.request('POST', '/api/v1/auth/dev-login', { body: deep(32) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION');
    });

    it('prototype poisoning is still refused', async () => {
      await expectProblem(() => api.request('POST', '/api/v1/auth/dev-login', { body: '{"email":"a@b.fr","__proto__":{"x":1}}' }), 400);
    });
  });

  describe('content types and HTTP-level errors', () => {
    it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])('a body sent as %s is a 415', async (type) => {
      const body = type.startsWith('text') ? JSON.stringify(questionBody()) : 'objet=a&canal=guichet';
      await expectProblem(() => api.request('POST', '/api/v1/questions', { token: agent, body, headers: { 'content-type': type } }), 415);
    });

    it('malformed JSON is a 400 problem', async () => {
      await expectProblem(() => api.request('POST', '/api/v1/questions', { token: agent, body: '{"objet":' }), 400);
    });

    it('a body over 1 MB is a 413 problem', async () => {
      await expectProblem(() => api.request('POST', '/api/v1/questions', { token: agent, body: JSON.stringify({ objet: 'x'.repeat(1_100_000) }) }), 413);
    });

    async function raw(request: string): Promise<string> {
      const { port } = new URL(api.baseUrl);
      return new Promise((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('latin1')));
        socket.on('error', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.on('connect', () => socket.end(request));
        setTimeout(() => reject(new Error(`no answer: ${data}`)), 5000);
      });
    }

    it('headers too large: 431 problem+json', async () => {
      const answer = await raw(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.split('\r\n\r\n')[1])).toMatchObject({ status: 431, type: expect.stringMatching(/^urn:relais:probleme:/) });
    });

    it('a malformed request line: 400 problem+json', async () => {
      const answer = await raw(`GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.split('\r\n\r\n')[1])).toMatchObject({ status: 400, detail: expect.any(String) });
    });

    it('a malformed URL: 400 problem+json', async () => {
      await expectProblem(() => api.get('/api/v1/questions/%E0%A4%A'), 400);
    });
  });
});
