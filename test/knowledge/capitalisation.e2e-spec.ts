import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS, questionBody, recordQuestion } from '../questions/fixtures';

/**
 * Capitalisation over real HTTP and PostgreSQL (issue 14): the référent publishes the answer of
 * the Ec'Eau Tourisme question, a new similar question gets it as first suggestion, and the
 * agent answers at the desk with it, recorded; who may publish, personal data refused, withdrawn
 * answers neither suggested nor reusable, wrong ids, scope.
 */
describe('capitalisation: published answers, suggestions, reuse at the desk', () => {
  let api: TestApi;
  let db: TestDb;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let agent: string;
  let referent: string;
  let agentPerpignan: string;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
    ids = await directoryFixture(db);
    agent = await api.login(EMAILS.agentCarcassonne);
    referent = await api.login(EMAILS.referentTourisme);
    agentPerpignan = await api.login(EMAILS.agentPerpignan);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const post = (path: string, token: string, body: unknown = {}, headers: Record<string, string> = {}) => api.post(`/api/v1${path}`, body, { token, headers });
  const get = (path: string, token: string) => api.get(`/api/v1${path}`, { token });
  const patch = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) => api.request('PATCH', `/api/v1${path}`, { token, body, headers });
  const suggestions = (token: string, objet: string, dispositifId?: string) =>
    get(`/questions/suggestions?${new URLSearchParams({ objet, ...(dispositifId ? { dispositifId } : {}) })}`, token);

  /** An Ec'Eau Tourisme question (with a unique word), escalated, and answered by the Tourisme référent. */
  async function answeredByReferent(objet: string, reponse = 'Oui : Ec’Eau Tourisme finance jusqu’à 50 % des équipements hydro-économes des campings.') {
    const q = await recordQuestion(api, questionBody({ objet, dispositifId: ids.eceau, themeId: ids.themeTourisme }));
    expect((await post(`/questions/${q.id}/escalader`, agent)).status).toBe(200);
    const answered = await post(`/questions/${q.id}/repondre`, referent, { reponse });
    expect(answered.status).toBe(200);
    return answered.body as { id: string; reference: string; version: number };
  }

  const PUBLICATION = {
    question: 'Un camping peut-il financer un système de récupération des eaux de pluie ?',
    diffusion: 'externe',
  };

  it('the issue’s case: published by the référent, first suggestion of a new similar question, reused at the desk and recorded', async () => {
    const source = await answeredByReferent('Camping : récupération des eaux de pluie, quel financement ?');

    const published = await post(`/questions/${source.id}/publier`, referent, PUBLICATION, { 'idempotency-key': 'publier-eceau-1' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({
      question: PUBLICATION.question,
      reponse: expect.stringContaining('Ec’Eau Tourisme finance'),
      diffusion: 'externe',
      dispositif: { id: ids.eceau },
      theme: { id: ids.themeTourisme },
      questionSourceId: source.id,
      version: 1,
      reutilisations: 0,
      peutModifier: true,
    });
    expect(published.headers.get('etag')).toBe('"1"');
    // A retried publication publishes nothing twice.
    const replay = await post(`/questions/${source.id}/publier`, referent, PUBLICATION, { 'idempotency-key': 'publier-eceau-1' });
    expect(replay.body.id).toBe(published.body.id);
    expect((await db.query(`SELECT id FROM reponse_publiee WHERE question_source_id = $1`, [source.id])).length).toBe(1);

    // The source question's fil records it, for the publisher's unit.
    const fil = (await get(`/questions/${source.id}/fil`, referent)).body as Array<{ type: string; visibilite: string; data: any }>;
    expect(fil.at(-1)).toMatchObject({ type: 'question.reponse_publiee', visibilite: 'interne', data: { reponsePublieeId: published.body.id, diffusion: 'externe' } });
    expect((await get(`/questions/${source.id}/fil`, agent)).body.map((e: { type: string }) => e.type)).not.toContain('question.reponse_publiee');

    // Every staff role reads it; the dispositif lists it.
    expect((await get(`/reponses-publiees/${published.body.id}`, agentPerpignan)).body.peutModifier).toBe(false);
    const list = await get(`/reponses-publiees?dispositifId=${ids.eceau}`, agentPerpignan);
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain(published.body.id);

    // A new similar question, typed differently: the published answer comes first.
    const suggested = await suggestions(agent, 'Eau de pluie au camping : aide possible ?', ids.eceau);
    expect(suggested.status).toBe(200);
    expect(suggested.body.reponsesPubliees[0]).toMatchObject({ id: published.body.id, question: PUBLICATION.question, diffusion: 'externe', dispositif: { id: ids.eceau }, reutilisations: 0 });
    expect(suggested.body.reponsesPubliees[0].score).toBeGreaterThan(0);
    // Its source question is not suggested a second time.
    expect(suggested.body.questions.map((q: { id: string }) => q.id)).not.toContain(source.id);

    const nouvelle = await recordQuestion(api, questionBody({ objet: 'Eau de pluie au camping : aide possible ?', dispositifId: ids.eceau }));
    const reponse = `${published.body.reponse} (réponse remise au guichet)`;
    const answered = await post(`/questions/${nouvelle.id}/repondre-localement`, agent, { reponse, reponsePublieeId: published.body.id });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ statut: 'repondue_localement', reponse });
    const rows = await db.query(`SELECT * FROM reponse_reutilisee WHERE question_id = $1`, [nouvelle.id]);
    expect(rows).toEqual([expect.objectContaining({ reponse_publiee_id: published.body.id, question_source_id: null, dispositif_id: ids.eceau, maison_id: ids.carcassonne })]);
    const events = (await get(`/questions/${nouvelle.id}/fil`, agent)).body as Array<{ type: string; data: any }>;
    expect(events.find((e) => e.type === 'question.repondue_localement')!.data).toEqual({ reponse, reutilisation: { reponsePublieeId: published.body.id } });
    expect((await get(`/reponses-publiees/${published.body.id}`, agent)).body.reutilisations).toBe(1);
    expect((await suggestions(agent, 'récupération eau de pluie camping')).body.reponsesPubliees[0]).toMatchObject({ id: published.body.id, reutilisations: 1 });

    // A replayed request records nothing twice: the question is already answered (409).
    const again = await post(`/questions/${nouvelle.id}/repondre-localement`, agent, { reponse, reponsePublieeId: published.body.id });
    expect(again.status).toBe(409);
    expect((await db.query(`SELECT 1 FROM reponse_reutilisee WHERE question_id = $1`, [nouvelle.id])).length).toBe(1);
  });

  it('who may publish: the answering direction once answered, the Maison once closed; others 403 or 404', async () => {
    const q = await answeredByReferent('Bornes de recharge pour un gîte rural');
    const body = { question: 'Un gîte peut-il installer des bornes de recharge ?', diffusion: 'interne' };
    // Out of scope: another Maison, another direction that never held it.
    expect((await post(`/questions/${q.id}/publier`, agentPerpignan, body)).status).toBe(404);
    expect((await post(`/questions/${q.id}/publier`, await api.login(EMAILS.referentDef), body)).status).toBe(404);
    // Reads it, may not publish it.
    expect((await post(`/questions/${q.id}/publier`, await api.login(EMAILS.managerReseau), body)).status).toBe(403);
    // The Maison, before closing: 409 naming the state.
    const early = await post(`/questions/${q.id}/publier`, agent, body);
    expect(early.status).toBe(409);
    expect(early.body.statutActuel).toBe('repondue');
    expect((await post(`/questions/${q.id}/clore`, agent, { issue: 'Usager informé' })).status).toBe(200);
    const byMaison = await post(`/questions/${q.id}/publier`, agent, body);
    expect(byMaison.status).toBe(201);
    expect(byMaison.body.auteur.unite).toMatch(/Carcassonne/);
    // The référent may still publish after closing.
    expect((await post(`/questions/${q.id}/publier`, referent, body)).status).toBe(201);

    // Not answered at the siège: no direction publishes; a question merely received: 409 for its Maison.
    const recue = await recordQuestion(api);
    expect((await post(`/questions/${recue.id}/publier`, agent, body)).status).toBe(409);
    expect((await post(`/questions/${recue.id}/publier`, referent, body)).status).toBe(404);
  });

  it('refuses the usager’s personal data and unknown ids, naming the field', async () => {
    const q = await answeredByReferent('Rénovation énergétique d’un camping municipal');
    const name = await post(`/questions/${q.id}/publier`, referent, { question: 'M. Casals peut-il rénover son camping ?', diffusion: 'externe' });
    expect(name.status).toBe(422);
    expect(name.body.errors).toEqual([{ field: 'question', message: expect.stringContaining('le nom') }]);
    const phone = await post(`/questions/${q.id}/publier`, referent, { question: 'Rénover un camping ?', reponse: 'Rappeler au 04.68.11.22.33', diffusion: 'externe' });
    expect(phone.status).toBe(422);
    expect(phone.body.errors).toEqual([{ field: 'reponse', message: expect.stringContaining('téléphone') }]);
    const unknown = await post(`/questions/${q.id}/publier`, referent, { question: 'Rénover un camping ?', dispositifId: '00000000-0000-4000-8000-000000000001', diffusion: 'externe' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ field: 'dispositifId', message: expect.any(String) }]);
    expect((await db.query(`SELECT 1 FROM reponse_publiee WHERE question_source_id = $1`, [q.id])).length).toBe(0);

    const desk = await recordQuestion(api);
    const wrong = await post(`/questions/${desk.id}/repondre-localement`, agent, { reponse: 'x', reponsePublieeId: '00000000-0000-4000-8000-000000000001' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors.map((e: { field: string }) => e.field)).toEqual(['reponsePublieeId']);
    const notAnswered = await post(`/questions/${desk.id}/repondre-localement`, agent, { reponse: 'x', questionSourceId: desk.id });
    expect(notAnswered.status).toBe(422);
    expect(notAnswered.body.errors.map((e: { field: string }) => e.field)).toEqual(['questionSourceId']);
    const both = await post(`/questions/${desk.id}/repondre-localement`, agent, { reponse: 'x', questionSourceId: q.id, reponsePublieeId: '00000000-0000-4000-8000-000000000001' });
    expect(both.status).toBe(422);
    expect(both.body.errors.map((e: { field: string }) => e.field)).toEqual(['questionSourceId']);
    expect((await get(`/questions/${desk.id}`, agent)).body.statut).toBe('recue');
    expect((await db.query(`SELECT 1 FROM reponse_reutilisee WHERE question_id = $1`, [desk.id])).length).toBe(0);
  });

  it('withdrawn answers are neither listed, suggested nor reusable; PATCH needs If-Match and the author’s unit', async () => {
    const q = await answeredByReferent('Subvention pour un sentier de randonnée pédestre');
    const published = (await post(`/questions/${q.id}/publier`, referent, { question: 'Un sentier de randonnée pédestre est-il subventionné ?', diffusion: 'interne' })).body;
    expect((await suggestions(agent, 'sentier randonnée')).body.reponsesPubliees.map((r: { id: string }) => r.id)).toContain(published.id);

    expect((await patch(`/reponses-publiees/${published.id}`, referent, { diffusion: 'externe' })).status).toBe(428);
    expect((await patch(`/reponses-publiees/${published.id}`, agentPerpignan, { diffusion: 'externe' }, { 'if-match': '"1"' })).status).toBe(403);
    const changed = await patch(`/reponses-publiees/${published.id}`, await api.login(EMAILS.referent2Tourisme), { diffusion: 'externe', themeId: null }, { 'if-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ diffusion: 'externe', theme: null, version: 2, modifieeLe: expect.any(String) });
    expect((await patch(`/reponses-publiees/${published.id}`, referent, { question: 'Et M. Casals ?' }, { 'if-match': '"2"' })).status).toBe(422);
    expect((await post(`/reponses-publiees/${published.id}/retirer`, referent, {}, { 'if-match': '"1"' })).status).toBe(412);

    const withdrawn = await post(`/reponses-publiees/${published.id}/retirer`, referent, {}, { 'if-match': '"2"' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.retireeLe).not.toBeNull();
    expect((await post(`/reponses-publiees/${published.id}/retirer`, referent)).status).toBe(409);
    expect((await suggestions(agent, 'sentier randonnée')).body.reponsesPubliees.map((r: { id: string }) => r.id)).not.toContain(published.id);
    expect((await get(`/reponses-publiees`, agent)).body.items.map((r: { id: string }) => r.id)).not.toContain(published.id);
    const desk = await recordQuestion(api);
    const refused = await post(`/questions/${desk.id}/repondre-localement`, agent, { reponse: 'x', reponsePublieeId: published.id });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'reponsePublieeId', message: expect.stringContaining('retirée') }]);
  });

  it('suggests similar answered questions: another Maison’s without its reference nor the usager’s data; reusing one is recorded', async () => {
    const q = await recordQuestion(api, questionBody({ objet: 'Aide au transport scolaire pour Bernard Casals', dispositifId: ids.eceau }));
    expect((await post(`/questions/${q.id}/repondre-localement`, agent, { reponse: 'M. Casals : voir le service des transports, 04 68 11 22 33.' })).status).toBe(200);

    const own = (await suggestions(agent, 'transport scolaire')).body.questions.find((s: { id: string }) => s.id === q.id);
    expect(own).toMatchObject({ reference: q.reference, objet: 'Aide au transport scolaire pour Bernard Casals', dispositif: { id: ids.eceau }, reponduLe: expect.any(String) });
    const other = await suggestions(agentPerpignan, 'transport scolaire');
    const seen = other.body.questions.find((s: { id: string }) => s.id === q.id);
    expect(seen).toEqual({ id: q.id, objet: 'Aide au transport scolaire pour [usager] [usager]', reponse: 'M. [usager] : voir le service des transports, [usager].', dispositif: { id: ids.eceau, nom: expect.any(String) }, reponduLe: expect.any(String), score: expect.any(Number) });
    expect(JSON.stringify(other.body)).not.toMatch(/Casals|description|usager"/);

    const perpignan = (await api.post('/api/v1/questions', questionBody({ objet: 'Transport scolaire' }), { token: agentPerpignan })).body;
    const reused = await post(`/questions/${perpignan.id}/repondre-localement`, agentPerpignan, { reponse: 'Voir le service des transports.', questionSourceId: q.id });
    expect(reused.status).toBe(200);
    expect(await db.query(`SELECT question_source_id, reponse_publiee_id FROM reponse_reutilisee WHERE question_id = $1`, [perpignan.id])).toEqual([{ question_source_id: q.id, reponse_publiee_id: null }]);

    // Old questions (beyond SUGGESTIONS_MOIS) and words that say nothing are not suggested.
    await db.query(`UPDATE question SET created_at = created_at - interval '8 months' WHERE id = $1`, [q.id]);
    expect((await suggestions(agent, 'transport scolaire')).body.questions.map((s: { id: string }) => s.id)).not.toContain(q.id);
    expect((await suggestions(agent, 'le la les de')).body).toEqual({ reponsesPubliees: [], questions: [] });
    expect((await get('/questions/suggestions?objet=x', await api.login(EMAILS.cabinet))).status).toBe(403);
  });
});
