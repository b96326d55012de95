import { seedDemoData } from '@app/directory';
import { TestDb } from '../setup/db';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TestApi } from '../setup/e2e-app';
import { EMAILS, questionBody } from '../questions/fixtures';

const PROBLEM = /^application\/problem\+json/;
const AGENT_FOIX = 'agent.foix@relais.demo';

/**
 * Spécialisations (ADR 0018): a correspondent Maison reads its thème's questions from the
 * whole network, read-only and without the usager's personal data; it appears in the
 * directory; the network manager and admins set who follows what. On a database of its own:
 * the suite changes the seeded spécialisations.
 */
describe('spécialisations: read scope, directory, management', () => {
  let api: TestApi;
  let db: TestDb;
  let scratch: ScratchDatabase;
  const ids: Record<string, string> = {};
  /** Perpignan's questions: on Ec'Eau Tourisme (thème Tourisme), on the Formation thème, and one whose own thème was lost but whose dispositif is Tourisme. */
  let tourisme: any;
  let formation: any;
  let parDispositif: any;

  const as = (email: string) => api.login(email);
  const get = async (path: string, email: string) => api.get(`/api/v1${path}`, { token: await as(email) });
  const post = async (path: string, body: unknown, email: string) => api.post(`/api/v1${path}`, body, { token: await as(email) });
  const put = async (path: string, body: unknown, email: string) => api.request('PUT', `/api/v1${path}`, { token: await as(email), body });

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_specialisations');
    await seedDemoData(scratch.dataSource);
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url } });
    db = new TestDb(scratch.ownerUrl);
    for (const [key, sql, code] of [
      ['carcassonne', 'maison', 'carcassonne'],
      ['perpignan', 'maison', 'perpignan'],
      ['foix', 'maison', 'foix'],
      ['eceau', 'dispositif', 'eceau-tourisme'],
      ['themeTourisme', 'theme', 'TOURISME'],
      ['themeFormation', 'theme', 'FORMATION_EMPLOI'],
    ] as const) {
      ids[key] = (await db.one(`SELECT id FROM ${sql} WHERE code = $1`, [code])).id;
    }
    const record = async (body: Record<string, unknown>) => {
      const res = await post('/questions', questionBody({ usager: { nom: 'Bernard Casals', organisation: 'Camping Les Pins', email: 'b.casals@example.org', telephone: '04 68 11 22 33', consentement: true }, ...body }), EMAILS.agentPerpignan);
      expect(res.status).toBe(201);
      return res.body;
    };
    tourisme = await record({ dispositifId: ids.eceau });
    formation = await record({ themeId: ids.themeFormation, objet: 'Formation de saisonniers' });
    parDispositif = await record({ dispositifId: ids.eceau, objet: 'Thème perdu' });
    await db.query(`UPDATE question SET theme_id = NULL WHERE id = $1`, [parDispositif.id]);
    // The fil of the Tourisme question: Perpignan's internal note, then a shared message.
    expect((await post(`/questions/${tourisme.id}/messages`, { texte: 'Note interne de Perpignan', visibilite: 'interne' }, EMAILS.agentPerpignan)).status).toBe(201);
    expect((await post(`/questions/${tourisme.id}/messages`, { texte: 'Message partagé', visibilite: 'partage' }, EMAILS.agentPerpignan)).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await db?.close();
    await scratch?.drop();
  });

  describe('read scope of a correspondent Maison (Carcassonne follows Tourisme)', () => {
    it('lists the thème’s questions of other Maisons with ?specialisation=true, and only those; its own list is unchanged', async () => {
      for (const email of [EMAILS.agentCarcassonne, EMAILS.responsableCarcassonne]) {
        const res = await get('/questions?specialisation=true&limit=50', email);
        expect(res.status).toBe(200);
        const listed = res.body.items.map((q: any) => q.id);
        expect(listed).toEqual(expect.arrayContaining([tourisme.id, parDispositif.id]));
        expect(listed).not.toContain(formation.id);
        expect(res.body.items.every((q: any) => !('usager' in q))).toBe(true);
        expect(res.text).not.toMatch(/Casals|Camping Les Pins|b\.casals|04 68 11/);
      }
      const filtered = await get(`/questions?specialisation=true&themeId=${ids.themeTourisme}`, EMAILS.agentCarcassonne);
      expect(filtered.body.items.map((q: any) => q.id)).toEqual(expect.arrayContaining([tourisme.id]));
      // A thème the Maison does not follow: nothing, rather than the network's questions.
      expect((await get(`/questions?specialisation=true&themeId=${ids.themeFormation}`, EMAILS.agentCarcassonne)).body.items).toEqual([]);
      // The Maison's own list still holds only its own questions.
      const own = await get('/questions?limit=100', EMAILS.agentCarcassonne);
      expect(own.body.items.map((q: any) => q.id)).not.toContain(tourisme.id);
      // Foix follows Formation: the other way round.
      const foix = (await get('/questions?specialisation=true', AGENT_FOIX)).body.items.map((q: any) => q.id);
      expect(foix).toContain(formation.id);
      expect(foix).not.toContain(tourisme.id);
    });

    it('the list is for MdR staff: référents, managers, the Cabinet and admins get 403', async () => {
      for (const email of [EMAILS.referentTourisme, EMAILS.managerReseau, EMAILS.cabinet, EMAILS.admin]) {
        const res = await get('/questions?specialisation=true', email);
        expect({ email, status: res.status }).toEqual({ email, status: 403 });
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
      }
      expect((await get('/questions?specialisation=oui', EMAILS.agentCarcassonne)).status).toBe(400);
    });

    it('opens such a question read-only: no usager, no action, no tracking link; its fil without the other Maison’s internal notes', async () => {
      const res = await get(`/questions/${tourisme.id}`, EMAILS.agentCarcassonne);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: tourisme.id, lectureSeule: true, actions: [], lienSuiviPossible: false, maison: { id: ids.perpignan } });
      expect(res.body).not.toHaveProperty('usager');
      expect(res.text).not.toMatch(/Casals|Camping Les Pins|b\.casals|04 68 11/);
      // The recording Maison still sees everything, and is not read-only.
      const own = await get(`/questions/${tourisme.id}`, EMAILS.agentPerpignan);
      expect(own.body).toMatchObject({ lectureSeule: false, usager: { nom: 'Bernard Casals' } });

      const fil = await get(`/questions/${tourisme.id}/fil`, EMAILS.agentCarcassonne);
      expect(fil.status).toBe(200);
      const textes = fil.body.map((e: any) => e.data?.texte).filter(Boolean);
      expect(textes).toEqual(['Message partagé']);
      expect(fil.text).not.toMatch(/Casals|Camping Les Pins|b\.casals|04 68 11/);
      expect((await get(`/questions/${tourisme.id}/fil/verification`, EMAILS.agentCarcassonne)).status).toBe(200);
      // Through the dispositif's thème too.
      expect((await get(`/questions/${parDispositif.id}`, EMAILS.agentCarcassonne)).body.lectureSeule).toBe(true);
    });

    it('refuses every move and every message on it with 403, and writes nothing', async () => {
      const before = await db.one(`SELECT version, statut, fil_seq FROM question WHERE id = $1`, [tourisme.id]);
      const moves: Array<[string, unknown]> = [
        ['repondre-localement', { reponse: 'Voici.' }],
        ['escalader', {}],
        ['clore', {}],
        ['prendre-en-charge', {}],
        ['repondre', { reponse: 'Voici.' }],
        ['messages', { texte: 'Je passe par là', visibilite: 'partage' }],
        ['messages', { texte: 'Note', visibilite: 'interne' }],
        ['lien-suivi', {}],
      ];
      for (const [verb, body] of moves) {
        const res = await post(`/questions/${tourisme.id}/${verb}`, body, EMAILS.agentCarcassonne);
        expect({ verb, status: res.status }).toEqual({ verb, status: 403 });
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
      }
      expect(await db.one(`SELECT version, statut, fil_seq FROM question WHERE id = $1`, [tourisme.id])).toEqual(before);
      expect(await db.count('question_lien_suivi', 'question_id = $1', [tourisme.id])).toBe(0);
    });

    it('keeps the other thèmes’ questions out of scope: 404 to read, to follow and to act', async () => {
      for (const path of [`/questions/${formation.id}`, `/questions/${formation.id}/fil`]) {
        expect((await get(path, EMAILS.agentCarcassonne)).status).toBe(404);
      }
      expect((await post(`/questions/${formation.id}/escalader`, {}, EMAILS.agentCarcassonne)).status).toBe(404);
      expect((await post(`/questions/${formation.id}/messages`, { texte: 'x', visibilite: 'partage' }, EMAILS.agentCarcassonne)).status).toBe(404);
      // A Maison without spécialisation, and a Maison manager, see no other Maison's question.
      expect((await get(`/questions/${tourisme.id}`, AGENT_FOIX)).status).toBe(404);
      expect((await get(`/questions/${tourisme.id}`, EMAILS.referentDef)).status).toBe(404);
    });
  });

  describe('the directory', () => {
    it('names the correspondent Maisons of each thème (GET /themes) and of a dispositif’s thème (GET /dispositifs/{id})', async () => {
      const themes = await get('/themes?limit=200', EMAILS.agentPerpignan);
      expect(themes.status).toBe(200);
      const byId = new Map(themes.body.items.map((t: any) => [t.id, t]));
      expect((byId.get(ids.themeTourisme) as any).correspondants).toEqual([{ id: ids.carcassonne, code: 'carcassonne', nom: expect.any(String), ville: expect.any(String) }]);
      expect((byId.get(ids.themeFormation) as any).correspondants.map((m: any) => m.code)).toEqual(['foix']);
      const dispositif = await get(`/dispositifs/${ids.eceau}`, EMAILS.agentPerpignan);
      expect(dispositif.body.correspondants.map((m: any) => m.code)).toEqual(['carcassonne']);
      // And per Maison, its spécialisations (already there).
      expect((await get(`/maisons/${ids.carcassonne}`, EMAILS.agentPerpignan)).body.specialisations.map((t: any) => t.code)).toEqual(['TOURISME']);
    });
  });

  describe('PUT /maisons/{id}/specialisations', () => {
    it('lets the network manager and admins replace a Maison’s set; the read scope follows at once', async () => {
      const res = await put(`/maisons/${ids.perpignan}/specialisations`, { themeIds: [ids.themeFormation] }, EMAILS.managerReseau);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.perpignan, specialisations: [{ id: ids.themeFormation, code: 'FORMATION_EMPLOI' }] });
      // The same set again changes nothing.
      expect((await put(`/maisons/${ids.perpignan}/specialisations`, { themeIds: [ids.themeFormation] }, EMAILS.admin)).status).toBe(200);
      expect(await db.count('specialisation', 'maison_id = $1', [ids.perpignan])).toBe(1);
      const themes = (await get('/themes?limit=200', AGENT_FOIX)).body.items;
      expect(themes.find((t: any) => t.id === ids.themeFormation).correspondants.map((m: any) => m.code)).toEqual(['foix', 'perpignan']);

      // Carcassonne stops following Tourisme: Perpignan's Tourisme question is gone for it.
      const emptied = await put(`/maisons/${ids.carcassonne}/specialisations`, { themeIds: [] }, EMAILS.admin);
      expect(emptied.body.specialisations).toEqual([]);
      expect((await get(`/questions/${tourisme.id}`, EMAILS.agentCarcassonne)).status).toBe(404);
      expect((await get('/questions?specialisation=true', EMAILS.agentCarcassonne)).body.items).toEqual([]);
      expect((await put(`/maisons/${ids.carcassonne}/specialisations`, { themeIds: [ids.themeTourisme] }, EMAILS.admin)).status).toBe(200);
      expect((await get(`/questions/${tourisme.id}`, EMAILS.agentCarcassonne)).status).toBe(200);
    });

    it('refuses other roles (403), an unknown Maison (404), an unknown thème (422 naming themeIds) and bad bodies (400), writing nothing', async () => {
      const snapshot = () => db.query(`SELECT maison_id, theme_id FROM specialisation ORDER BY maison_id, theme_id`);
      const before = await snapshot();
      const body = { themeIds: [ids.themeTourisme, ids.themeFormation] };
      for (const email of [EMAILS.agentCarcassonne, EMAILS.responsableCarcassonne, EMAILS.referentTourisme, EMAILS.managerTourisme, EMAILS.cabinet]) {
        const res = await put(`/maisons/${ids.perpignan}/specialisations`, body, email);
        expect({ email, status: res.status }).toEqual({ email, status: 403 });
      }
      expect((await put('/maisons/00000000-0000-4000-8000-000000000001/specialisations', body, EMAILS.admin)).status).toBe(404);
      const unknown = await put(`/maisons/${ids.perpignan}/specialisations`, { themeIds: [ids.themeTourisme, '00000000-0000-4000-8000-000000000002'] }, EMAILS.admin);
      expect(unknown.status).toBe(422);
      expect(unknown.headers.get('content-type')).toMatch(PROBLEM);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'themeIds' })]);
      for (const bad of [{}, { themeIds: 'TOURISME' }, { themeIds: ['TOURISME'] }, { themeIds: [ids.themeTourisme, ids.themeTourisme] }, { themeIds: [ids.themeTourisme], autre: 1 }]) {
        const res = await put(`/maisons/${ids.perpignan}/specialisations`, bad, EMAILS.admin);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
        expect(res.body.errors.length).toBeGreaterThan(0);
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
