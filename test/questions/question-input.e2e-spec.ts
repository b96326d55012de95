import { randomUUID } from 'node:crypto';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS, questionBody, recordQuestion } from './fixtures';

/** Bad input gets a precise problem+json naming the field, and writes nothing. */
describe('question input and concurrency', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let agent: string;
  let referent: string;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
    ids = await directoryFixture(db);
    agent = await api.login(EMAILS.agentCarcassonne);
    referent = await api.login(EMAILS.referentTourisme);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  async function expectRejected(body: unknown, status: number, field: string, headers?: Record<string, string>) {
    const before = await db.questionCounts();
    const res = await api.post('/api/v1/questions', body, { token: agent, headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:relais:probleme:/), title: expect.any(String), detail: expect.any(String) });
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/ must | should /);
    expect(await db.questionCounts()).toEqual(before);
    return res.body;
  }

  it('refuses a missing or false consentement', async () => {
    const base = questionBody();
    await expectRejected({ ...base, usager: { ...base.usager, consentement: undefined } }, 400, 'usager.consentement');
    const body = await expectRejected({ ...base, usager: { ...base.usager, consentement: false } }, 400, 'usager.consentement');
    expect(body.errors.find((e: any) => e.field === 'usager.consentement').message).toMatch(/consentement/i);
  });

  it('accepts an usager who leaves no contact (they come back to the Maison), and refuses a malformed one', async () => {
    const base = questionBody();
    const sansContact = await api.post('/api/v1/questions', { ...base, usager: { nom: 'Passera à la Maison', consentement: true } }, { token: agent });
    expect(sansContact.status).toBe(201);
    expect(sansContact.body.usager).toMatchObject({ nom: 'Passera à la Maison', email: null, telephone: null });
    await expectRejected({ ...base, usager: { ...base.usager, email: 'pas-une-adresse' } }, 400, 'usager.email');
    await expectRejected({ ...base, usager: { ...base.usager, telephone: 'abc' } }, 400, 'usager.telephone');
  });

  it('refuses an unknown dispositif and a thème that contradicts it', async () => {
    const body = await expectRejected(questionBody({ dispositifId: randomUUID() }), 422, 'dispositifId');
    expect(body.detail).toMatch(/dispositif/);
    await expectRejected(questionBody({ dispositifId: ids.eceau, themeId: ids.themeFormation }), 422, 'themeId');
    await expectRejected(questionBody({ dispositifId: 'pas-un-uuid' }), 400, 'dispositifId');
  });

  it('refuses an empty objet (even blank) and an oversized description', async () => {
    await expectRejected(questionBody({ objet: '' }), 400, 'objet');
    await expectRejected(questionBody({ objet: '    ' }), 400, 'objet');
    const body = await expectRejected(questionBody({ description: 'x'.repeat(5001) }), 400, 'description');
    expect(body.errors.find((e: any) => e.field === 'description').message).toMatch(/5000/);
  });

  it('refuses unknown fields and a wrong canal', async () => {
    await expectRejected(questionBody({ statut: 'close' }), 400, 'statut');
    await expectRejected(questionBody({ canal: 'pigeon' }), 400, 'canal');
  });

  it('refuses malformed JSON with a French problem', async () => {
    const res = await api.request('POST', '/api/v1/questions', { token: agent, body: '{"objet": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/JSON/);
  });

  it('refuses a transition from a wrong state with 409 naming the state', async () => {
    const q = await recordQuestion(api);
    const before = await db.questionCounts();
    const res = await api.post(`/api/v1/questions/${q.id}/clore`, {}, { token: agent });
    expect(res.status).toBe(200);
    const again = await api.post(`/api/v1/questions/${q.id}/fournir-info`, { message: 'x' }, { token: agent });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'QUESTION_TRANSITION_INTERDITE', statutActuel: 'close', action: 'fournir_info' });
    expect(again.body.detail).toMatch(/close/);
    const after = await db.questionCounts();
    expect(after.timeline_event).toBe(before.timeline_event + 1);
  });

  it('refuses a stale If-Match with 412 and writes nothing', async () => {
    const q = await recordQuestion(api);
    await api.post(`/api/v1/questions/${q.id}/escalader`, {}, { token: agent, headers: { 'if-match': `"${q.version}"` } });
    const before = await db.questionCounts();
    const stale = await api.post(`/api/v1/questions/${q.id}/clore`, {}, { token: agent, headers: { 'if-match': `"${q.version}"` } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'VERSION_PERIMEE', versionActuelle: q.version + 1 });
    expect(await db.questionCounts()).toEqual(before);
    const bad = await api.post(`/api/v1/questions/${q.id}/prendre-en-charge`, {}, { token: referent, headers: { 'if-match': 'n-importe-quoi' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('If-Match');
  });

  it('replays an Idempotency-Key: same body → same response, nothing created twice; other body → 422', async () => {
    const key = `cle-${randomUUID()}`;
    const body = questionBody({ objet: 'Idempotence' });
    const first = await api.post('/api/v1/questions', body, { token: agent, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const before = await db.questionCounts();
    const replay = await api.post('/api/v1/questions', body, { token: agent, headers: { 'idempotency-key': key } });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    expect(replay.body.reference).toBe(first.body.reference);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await db.questionCounts()).toEqual(before);
    const other = await api.post('/api/v1/questions', { ...body, objet: 'Autre chose' }, { token: agent, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await db.questionCounts()).toEqual(before);
  });

  it('replays an Idempotency-Key on a message: written once, even from concurrent retries, each getting the first answer; another text or question → 422', async () => {
    const q = await recordQuestion(api, questionBody({ objet: 'Message idempotent' }));
    const key = `cle-${randomUUID()}`;
    const body = { texte: 'Rappeler l’usager jeudi.', visibilite: 'interne' };
    const messages = () => db.count('timeline_event', `ticket_id = $1 AND type = 'question.message'`, [q.id]);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => api.post(`/api/v1/questions/${q.id}/messages`, body, { token: agent, headers: { 'idempotency-key': key } })));
    expect(attempts.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(attempts.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    const first = attempts.find((a) => a.headers.get('idempotent-replayed') !== 'true')!;
    for (const a of attempts) {
      expect(a.body).toEqual(first.body);
      expect(a.headers.get('etag')).toBe(`"${first.body.version}"`);
    }
    expect(await messages()).toBe(1);
    expect(await db.count('outbox', `aggregate_id = $1 AND type = 'question.message'`, [q.id])).toBe(1);

    // Another message meanwhile: a late retry of the first still writes nothing.
    await api.post(`/api/v1/questions/${q.id}/messages`, { texte: 'Autre note.', visibilite: 'interne' }, { token: agent });
    const late = await api.post(`/api/v1/questions/${q.id}/messages`, body, { token: agent, headers: { 'idempotency-key': key } });
    expect(late.status).toBe(201);
    expect(late.body).toEqual(first.body);
    expect(await messages()).toBe(2);

    const other = await api.post(`/api/v1/questions/${q.id}/messages`, { ...body, texte: 'Autre chose.' }, { token: agent, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    const q2 = await recordQuestion(api, questionBody({ objet: 'Autre question' }));
    const elsewhere = await api.post(`/api/v1/questions/${q2.id}/messages`, body, { token: agent, headers: { 'idempotency-key': key } });
    expect(elsewhere.status).toBe(422);
    expect(await messages()).toBe(2);
    expect(await db.count('timeline_event', `ticket_id = $1 AND type = 'question.message'`, [q2.id])).toBe(0);
  });

  it('20 parallel claims of one question: exactly one wins, the others get 409', async () => {
    const q = await recordQuestion(api, questionBody({ dispositifId: ids.eceau }));
    await api.post(`/api/v1/questions/${q.id}/escalader`, {}, { token: agent });
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => api.post(`/api/v1/questions/${q.id}/prendre-en-charge`, {}, { token: referent })),
    );
    const statuses = claims.map((c) => c.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const fil = await db.query(`SELECT type FROM timeline_event WHERE ticket_id = $1 AND type = 'question.prise_en_charge'`, [q.id]);
    expect(fil).toHaveLength(1);
    const verification = await api.get(`/api/v1/questions/${q.id}/fil/verification`, { token: agent });
    expect(verification.body.valide).toBe(true);
  });

  it('200 parallel creations get 200 distinct references', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => api.post('/api/v1/questions', questionBody({ objet: `Création ${i}` }), { token: agent })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const references = new Set(results.map((r) => r.body.reference));
    expect(references.size).toBe(200);
  });
});
