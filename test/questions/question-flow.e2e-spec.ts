import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS, questionBody, recordQuestion } from './fixtures';

/**
 * The field-study scenario: a camping director asks the Carcassonne MdR about Ec'Eau Tourisme;
 * the agent escalates; the tourism référent claims it, asks for the number of pitches, gets it,
 * answers; the agent closes. Everyone reads one timeline, each with their own visibility.
 */
describe('question flow (bottom-up)', () => {
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

  const post = (path: string, token: string, body: unknown = {}, headers?: Record<string, string>) =>
    api.post(`/api/v1${path}`, body, { token, headers });

  it('runs the camping director’s question from the desk to the référent and back', async () => {
    const created = await post('/questions', agent, questionBody({ dispositifId: ids.eceau }));
    expect(created.status).toBe(201);
    const q = created.body;
    expect(q.statut).toBe('recue');
    expect(q.reference).toMatch(/^Q-\d{4}-\d{6,}$/);
    expect(q.maison.id).toBe(ids.carcassonne);
    expect(q.dispositif).toEqual({ id: ids.eceau, nom: "Ec'Eau Tourisme" });
    expect(q.theme.id).toBe(ids.themeTourisme);
    expect(q.usager).toMatchObject({ nom: 'Bernard Casals', organisation: 'Camping Les Pins', consentement: true });
    expect(created.headers.get('etag')).toBe(`"${q.version}"`);
    expect(created.headers.get('location')).toBe(`/api/v1/questions/${q.id}`);

    // The agent does not know the scheme: escalate without naming a direction.
    const escalated = await post(`/questions/${q.id}/escalader`, agent, { message: 'Je ne connais pas ce dispositif.' }, { 'if-match': `"${q.version}"` });
    expect(escalated.status).toBe(200);
    expect(escalated.body.statut).toBe('escaladee');
    expect(escalated.body.direction.id).toBe(ids.tourisme);
    expect(escalated.body.enCoordination).toBe(false);
    expect(escalated.body.version).toBe(q.version + 1);

    // It lands in the tourism référent's queue, usager contact included (nobody has claimed it yet).
    const queue = await api.get('/api/v1/file-referent', { token: referent });
    expect(queue.status).toBe(200);
    const queued = queue.body.items.find((i: any) => i.id === q.id);
    expect(queued).toBeDefined();
    expect(queued.statut).toBe('escaladee');
    const seenByReferent = await api.get(`/api/v1/questions/${q.id}`, { token: referent });
    expect(seenByReferent.body.usager.telephone).toBe('04 68 11 22 33');

    const claimed = await post(`/questions/${q.id}/prendre-en-charge`, referent);
    expect(claimed.status).toBe(200);
    expect(claimed.body.statut).toBe('prise_en_charge');
    expect(claimed.body.referent.displayName).toBeTruthy();

    const asked = await post(`/questions/${q.id}/demander-info`, referent, { message: 'Combien d’emplacements compte le camping ?' });
    expect(asked.body.statut).toBe('en_attente_info');

    // A référent cannot provide the information in the MdR's stead, nor the MdR answer for the direction.
    expect((await post(`/questions/${q.id}/fournir-info`, referent, { message: '120' })).status).toBe(403);
    const provided = await post(`/questions/${q.id}/fournir-info`, agent, { message: '120 emplacements, dont 30 mobil-homes.' });
    expect(provided.body.statut).toBe('prise_en_charge');

    await post(`/questions/${q.id}/messages`, referent, { texte: 'Dossier probablement éligible, vérifier le plafond.', visibilite: 'interne' });
    await post(`/questions/${q.id}/messages`, agent, { texte: 'Usager très pressé.', visibilite: 'interne' });
    await post(`/questions/${q.id}/messages`, agent, { texte: 'L’usager passera jeudi.', visibilite: 'partage' });

    const answered = await post(`/questions/${q.id}/repondre`, referent, {
      reponse: 'Éligible à Ec’Eau Tourisme : dossier à déposer avant le 31 mars, plafond 200 000 €.',
    });
    expect(answered.body.statut).toBe('repondue');
    expect(answered.body.reponse).toMatch(/Éligible/);

    const closed = await post(`/questions/${q.id}/clore`, agent, { issue: 'Réponse transmise à l’usager par téléphone' });
    expect(closed.status).toBe(200);
    expect(closed.body.statut).toBe('close');
    expect(closed.body.closedAt).not.toBeNull();

    // The timeline, as the agent reads it: every shared step, the MdR's own internal note, not the direction's.
    const filAgent = await api.get(`/api/v1/questions/${q.id}/fil`, { token: agent });
    expect(filAgent.status).toBe(200);
    expect(filAgent.body.map((e: any) => e.type)).toEqual([
      'question.recue',
      'question.escaladee',
      'question.prise_en_charge',
      'question.information_demandee',
      'question.information_fournie',
      'question.message',
      'question.message',
      'question.repondue',
      'question.close',
    ]);
    const texts = filAgent.body.filter((e: any) => e.type === 'question.message').map((e: any) => e.data.texte);
    expect(texts).toEqual(['Usager très pressé.', 'L’usager passera jeudi.']);
    expect(filAgent.body[0].acteur).toMatchObject({ role: 'agent_mdr' });
    expect(filAgent.body[2].acteur).toMatchObject({ role: 'referent' });
    expect(filAgent.body.every((e: any) => !JSON.stringify(e.data).includes('04 68 11 22 33'))).toBe(true);

    // The référent sees the direction's note and not the MdR's.
    const filReferent = await api.get(`/api/v1/questions/${q.id}/fil`, { token: referent });
    const referentTexts = filReferent.body.filter((e: any) => e.type === 'question.message').map((e: any) => e.data.texte);
    expect(referentTexts).toEqual(['Dossier probablement éligible, vérifier le plafond.', 'L’usager passera jeudi.']);

    // One chain: seq 1..10 in the database, each event pointing at the previous hash.
    const all = await db.query(`SELECT seq, hash, previous_hash FROM timeline_event WHERE ticket_id = $1 ORDER BY seq`, [q.id]);
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    all.slice(1).forEach((e, i) => expect(e.previous_hash).toBe(all[i].hash));
    const verification = await api.get(`/api/v1/questions/${q.id}/fil/verification`, { token: referent });
    expect(verification.body).toMatchObject({ valide: true, evenements: 10 });

    // Every event also went to the outbox, in the same transactions.
    expect(await db.count('outbox', 'aggregate_id = $1', [q.id])).toBe(10);

    // Perpignan does not see Carcassonne's question: it does not exist for them.
    const perpignan = await api.login(EMAILS.agentPerpignan);
    expect((await api.get(`/api/v1/questions/${q.id}`, { token: perpignan })).status).toBe(404);
    expect((await api.get(`/api/v1/questions/${q.id}/fil`, { token: perpignan })).status).toBe(404);
    const foreign = await post(`/questions/${q.id}/rouvrir`, perpignan, { motif: 'test' });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const list = await api.get('/api/v1/questions', { token: perpignan });
    expect(list.body.items.find((i: any) => i.id === q.id)).toBeUndefined();
  });

  it('answers locally without escalation', async () => {
    const q = await recordQuestion(api, questionBody({ themeId: ids.themeTourisme }));
    const answered = await post(`/questions/${q.id}/repondre-localement`, agent, { reponse: 'Voir la brochure Pass Tourisme.' });
    expect(answered.body.statut).toBe('repondue_localement');
    const closed = await post(`/questions/${q.id}/clore`, agent, {});
    expect(closed.body.statut).toBe('close');
    expect(await db.count('question_detention', 'question_id = $1', [q.id])).toBe(0);
    const fil = await api.get(`/api/v1/questions/${q.id}/fil`, { token: agent });
    expect(fil.body.map((e: any) => e.type)).toEqual(['question.recue', 'question.repondue_localement', 'question.close']);
  });

  it('routes a thème without dispositif to the thème’s direction, and neither to the coordination', async () => {
    const byTheme = await recordQuestion(api, questionBody({ themeId: ids.themeFormation }));
    const routed = await post(`/questions/${byTheme.id}/escalader`, agent);
    expect(routed.body.direction.id).toBe(ids.def);

    const orphan = await recordQuestion(api, questionBody({ objet: 'Question sans dispositif' }));
    const toCoordination = await post(`/questions/${orphan.id}/escalader`, agent);
    expect(toCoordination.body.direction).toBeNull();
    expect(toCoordination.body.enCoordination).toBe(true);
    const manager = await api.login(EMAILS.managerReseau);
    const coordination = await api.get('/api/v1/file-referent?directionId=coordination', { token: manager });
    expect(coordination.body.items.map((i: any) => i.id)).toContain(orphan.id);
    // The coordination routes it to a direction; it then waits in that direction's queue.
    const rerouted = await post(`/questions/${orphan.id}/reorienter`, manager, { directionId: ids.tourisme, motif: 'Relève du tourisme' });
    expect(rerouted.body.direction.id).toBe(ids.tourisme);
    expect(rerouted.body.statut).toBe('escaladee');
  });

  it('reroutes to another direction with a motif, and both directions keep read access', async () => {
    const q = await recordQuestion(api, questionBody({ dispositifId: ids.eceau }));
    await post(`/questions/${q.id}/escalader`, agent);
    await post(`/questions/${q.id}/prendre-en-charge`, referent);
    const noMotif = await post(`/questions/${q.id}/reorienter`, referent, { directionId: ids.def });
    expect(noMotif.status).toBe(400);
    expect(noMotif.body.errors.map((e: any) => e.field)).toContain('motif');
    const same = await post(`/questions/${q.id}/reorienter`, referent, { directionId: ids.tourisme, motif: 'x' });
    expect(same.status).toBe(422);

    const rerouted = await post(`/questions/${q.id}/reorienter`, referent, { directionId: ids.def, motif: 'Concerne la formation des saisonniers' });
    expect(rerouted.status).toBe(200);
    expect(rerouted.body.statut).toBe('escaladee');
    expect(rerouted.body.direction.id).toBe(ids.def);
    expect(rerouted.body.referent).toBeNull();

    const def = await api.login(EMAILS.referentDef);
    const defQueue = await api.get('/api/v1/file-referent', { token: def });
    expect(defQueue.body.items.map((i: any) => i.id)).toContain(q.id);
    // The tourism référent no longer holds it: not in the queue, cannot act, can still read.
    const tourismQueue = await api.get('/api/v1/file-referent', { token: referent });
    expect(tourismQueue.body.items.map((i: any) => i.id)).not.toContain(q.id);
    expect((await post(`/questions/${q.id}/repondre`, referent, { reponse: 'x' })).status).toBe(403);
    expect((await api.get(`/api/v1/questions/${q.id}`, { token: referent })).status).toBe(200);

    const fil = await api.get(`/api/v1/questions/${q.id}/fil`, { token: def });
    const reorientee = fil.body.find((e: any) => e.type === 'question.reorientee');
    expect(reorientee.data).toMatchObject({ ancienneDirectionId: ids.tourisme, directionId: ids.def, motif: 'Concerne la formation des saisonniers' });
    const detentions = await db.query(`SELECT direction_id, jusqu_a FROM question_detention WHERE question_id = $1 ORDER BY depuis`, [q.id]);
    expect(detentions.map((d) => d.direction_id)).toEqual([ids.tourisme, ids.def]);
    expect(detentions[0].jusqu_a).not.toBeNull();
    expect(detentions[1].jusqu_a).toBeNull();
  });

  it('reopens a closed question with a motif and escalates it again', async () => {
    const q = await recordQuestion(api, questionBody({ dispositifId: ids.eceau }));
    await post(`/questions/${q.id}/escalader`, agent);
    await post(`/questions/${q.id}/repondre`, referent, { reponse: 'Non éligible.' });
    await post(`/questions/${q.id}/clore`, agent, {});
    expect((await post(`/questions/${q.id}/rouvrir`, agent, {})).status).toBe(400);
    const reopened = await post(`/questions/${q.id}/rouvrir`, agent, { motif: 'L’usager apporte un devis complémentaire' });
    expect(reopened.body.statut).toBe('rouverte');
    expect(reopened.body.closedAt).toBeNull();
    const again = await post(`/questions/${q.id}/escalader`, agent);
    expect(again.body.statut).toBe('escaladee');
    expect(again.body.direction.id).toBe(ids.tourisme);
  });

  it('keeps usager data to the recording MdR and the handling référent', async () => {
    const q = await recordQuestion(api, questionBody({ dispositifId: ids.eceau }));
    await post(`/questions/${q.id}/escalader`, agent);
    await post(`/questions/${q.id}/prendre-en-charge`, referent);
    const other = await api.login(EMAILS.referent2Tourisme);
    const seenByOther = await api.get(`/api/v1/questions/${q.id}`, { token: other });
    expect(seenByOther.status).toBe(200);
    expect(seenByOther.body.usager).toBeUndefined();
    const manager = await api.login(EMAILS.managerReseau);
    const seenByManager = await api.get(`/api/v1/questions/${q.id}`, { token: manager });
    expect(seenByManager.status).toBe(200);
    expect(seenByManager.body.usager).toBeUndefined();
    // The Cabinet and admins are not participants of questions.
    for (const email of [EMAILS.cabinet, EMAILS.admin]) {
      const token = await api.login(email);
      expect((await api.get(`/api/v1/questions/${q.id}`, { token })).status).toBe(404);
      expect((await api.get('/api/v1/questions', { token })).status).toBe(403);
    }
  });

  it('lists with filters and a cursor', async () => {
    for (let i = 0; i < 3; i++) await recordQuestion(api, questionBody({ objet: `Pagination ${i}` }));
    const first = await api.get('/api/v1/questions?limit=2&statut=recue', { token: agent });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/api/v1/questions?limit=2&statut=recue&cursor=${first.body.nextCursor}`, { token: agent });
    const ids1 = first.body.items.map((i: any) => i.id);
    expect(second.body.items.every((i: any) => !ids1.includes(i.id))).toBe(true);
    const dates = [...first.body.items, ...second.body.items].map((i: any) => i.createdAt);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(first.body.items.every((i: any) => i.statut === 'recue' && i.maison.id === ids.carcassonne)).toBe(true);
  });
});
