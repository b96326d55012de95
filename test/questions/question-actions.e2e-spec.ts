import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS, questionBody } from './fixtures';

/** A question read alone says what its reader may do now (the web app shows only those buttons). */
describe('question actions (GET /questions/{id} and transition answers)', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
    ids = await directoryFixture(db);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('follows the state and the reader: the MdR side, then the holding direction’s référent', async () => {
    const agent = await api.login(EMAILS.agentCarcassonne);
    const referent = await api.login(EMAILS.referentTourisme);
    const manager = await api.login(EMAILS.managerReseau);
    const created = await api.post('/api/v1/questions', questionBody({ dispositifId: ids.eceau }), { token: agent });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body.actions).toEqual(['repondre_localement', 'escalader', 'clore']);
    expect((await api.get(`/api/v1/questions/${id}`, { token: agent })).body.actions).toEqual(['repondre_localement', 'escalader', 'clore']);
    // A network manager reads it but acts on nothing of the MdR's.
    expect((await api.get(`/api/v1/questions/${id}`, { token: manager })).body.actions).toEqual([]);

    const escalated = await api.post(`/api/v1/questions/${id}/escalader`, {}, { token: agent });
    expect(escalated.status).toBe(200);
    expect(escalated.body.actions).toEqual([]);
    expect((await api.get(`/api/v1/questions/${id}`, { token: referent })).body.actions).toEqual(['prendre_en_charge', 'repondre', 'reorienter']);

    const claimed = await api.post(`/api/v1/questions/${id}/prendre-en-charge`, {}, { token: referent });
    expect(claimed.body.actions).toEqual(['demander_info', 'repondre', 'reorienter']);
    const answered = await api.post(`/api/v1/questions/${id}/repondre`, { reponse: 'Éligible.' }, { token: referent });
    expect(answered.body.actions).toEqual([]);
    expect((await api.get(`/api/v1/questions/${id}`, { token: agent })).body.actions).toEqual(['clore']);

    // Lists leave it out (documented as absent there).
    const list = await api.get('/api/v1/questions?limit=5', { token: agent });
    expect(list.status).toBe(200);
    expect(list.body.items.every((q: Record<string, unknown>) => !('actions' in q))).toBe(true);
  });
});
