import { TestDb } from '../setup/db';
import { TestApi, walkPages } from '../setup/e2e-app';

const PROBLEM = /^application\/problem\+json/;
const UNKNOWN_ID = '7d3f1c9e-2b4a-4c8e-9f10-0a1b2c3d4e5f';

describe('Annuaire (GET /api/v1/maisons, directions, themes, dispositifs, referents)', () => {
  let api: TestApi;
  let db: TestDb;
  let token: string;
  const get = (path: string, params: Record<string, string> = {}, as = token) => {
    const query = new URLSearchParams(params).toString();
    return api.get(`/api/v1${path}${query ? `?${query}` : ''}`, { token: as });
  };
  const idOf = async (table: string, code: string) =>
    (await db.one<{ id: string }>(`SELECT id FROM ${table} WHERE code = $1`, [code])).id;

  beforeAll(async () => {
    api = await TestApi.start();
    db = new TestDb();
    token = await api.login('agent.carcassonne@relais.demo');
  });

  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  describe('dispositifs', () => {
    it('finds Ec’Eau Tourisme from « eau tourisme », with its direction and whom to ask', async () => {
      const res = await get('/dispositifs', { q: 'eau tourisme' });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      const [first] = res.body.items;
      expect(first).toMatchObject({
        code: 'eceau-tourisme',
        nom: "Ec'Eau Tourisme",
        historique: true,
        direction: { code: 'tourisme', nom: 'Direction du Tourisme', sigle: null, id: expect.any(String) },
        theme: { code: 'TOURISME' },
      });
      expect(first.referents.length).toBeGreaterThanOrEqual(1);
      expect(first.referents[0]).toEqual({
        id: expect.any(String),
        userId: expect.any(String),
        displayName: expect.any(String),
        email: expect.stringMatching(/^referent2?\.tourisme@relais\.demo$/),
        telephone: expect.stringMatching(/^05 36 49/),
      });
    });

    it('ignores accents and case', async () => {
      const ecole = await get('/dispositifs', { q: 'ecole' });
      expect(ecole.body.items.map((d: any) => d.nom)).toContain('Écoles Régionales de la Deuxième Chance');
      const cheque = await get('/dispositifs', { q: 'ÉCO-CHÈQUE' });
      expect(cheque.body.items.map((d: any) => d.code).sort()).toEqual(['eco-cheque-logement', 'eco-cheque-mobilite']);
    });

    it('matches keywords and apostrophes as people type them', async () => {
      const camping = await get('/dispositifs', { q: 'hydro-économe camping' });
      expect(camping.body.items.map((d: any) => d.code)).toEqual(['eceau-tourisme']);
      const typed = await get('/dispositifs', { q: 'eceau' });
      expect(typed.body.items.map((d: any) => d.code)).toEqual(['eceau-tourisme']);
    });

    it('matches the start of words, not any substring', async () => {
      const velo = await get('/dispositifs', { q: 'vélo' });
      const codes = velo.body.items.map((d: any) => d.code);
      expect(codes).toEqual(expect.arrayContaining(['bonus-forfait-mobilite-durable', 'eco-cheque-mobilite']));
      expect(codes).not.toContain('contrat-de-developpement-et-dinnovation-touristique'); // « développement »
      const eau = await get('/dispositifs', { q: 'eau' });
      expect(eau.body.items.map((d: any) => d.code)).not.toContain('bourse-daide-individuelle-sportive'); // « haut niveau »
    });

    it('ranks the exact name first', async () => {
      const res = await get('/dispositifs', { q: 'pass tourisme' });
      expect(res.body.items[0].code).toBe('pass-tourisme');
      expect(res.body.items.length).toBeGreaterThan(1);
    });

    it('filters by thème and by direction, and can hide closed schemes', async () => {
      const themeId = await idOf('theme', 'TOURISME');
      const byTheme = await get('/dispositifs', { themeId });
      expect(byTheme.body.items.length).toBe(await db.count('dispositif', 'theme_id = $1', [themeId]));
      expect(byTheme.body.items.every((d: any) => d.theme.code === 'TOURISME')).toBe(true);

      const directionId = await idOf('direction', 'ditm');
      const byDirection = await get('/dispositifs', { directionId, q: 'train' });
      expect(byDirection.body.items.length).toBeGreaterThan(0);
      expect(byDirection.body.items.every((d: any) => d.direction.code === 'ditm')).toBe(true);

      const current = await get('/dispositifs', { themeId, inclureHistoriques: 'false' });
      expect(current.body.items.map((d: any) => d.code)).not.toContain('eceau-tourisme');
      expect(current.body.items.every((d: any) => !d.historique)).toBe(true);
    });

    it('lists them all without filters, each with at least one référent', async () => {
      const res = await get('/dispositifs');
      expect(res.body.items).toHaveLength(await db.count('dispositif'));
      expect(res.body.items.every((d: any) => d.referents.length >= 1)).toBe(true);
    });

    it('reads one dispositif, and answers 404 problem+json for an unknown one', async () => {
      const id = await idOf('dispositif', 'eceau-tourisme');
      const one = await get(`/dispositifs/${id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id, code: 'eceau-tourisme', direction: { code: 'tourisme' }, verifie: true });
      expect(one.body.motsCles).toContain('camping');

      const missing = await get(`/dispositifs/${UNKNOWN_ID}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(PROBLEM);
      expect(missing.body).toMatchObject({ status: 404, detail: 'Dispositif introuvable.' });
      // Any UUID version is an id (as on every other path): unknown is 404, not a malformed 400.
      for (const path of ['/dispositifs', '/maisons', '/directions']) expect((await get(`${path}/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    });
  });

  describe('validation and access', () => {
    it('refuses a malformed id per field', async () => {
      const res = await get('/dispositifs', { themeId: 'abc' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'themeId', message: 'doit être un identifiant (UUID) valide.' }]);

      const path = await get('/dispositifs/abc');
      expect(path.status).toBe(400);
      expect(path.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);

      const flag = await get('/dispositifs', { inclureHistoriques: 'oui' });
      expect(flag.body.errors).toEqual([{ field: 'inclureHistoriques', message: 'doit valoir true ou false.' }]);
    });

    it('refuses an unknown query parameter, on filtered and unfiltered lists', async () => {
      for (const path of ['/dispositifs', '/maisons', '/referents']) {
        const res = await get(path, { theme: 'TOURISME' });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(PROBLEM);
        expect(res.body.errors).toEqual([{ field: 'theme', message: 'Le champ « theme » n’est pas attendu.' }]);
      }
    });

    it('answers 401 problem+json without a token', async () => {
      const res = await api.get('/api/v1/dispositifs?q=eau');
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ status: 401, detail: expect.any(String) });
    });

    it('lets every role read the directory', async () => {
      for (const email of ['referent.def@relais.demo', 'cabinet.conseiller@relais.demo', 'manager.carcassonne@relais.demo', 'admin@relais.demo']) {
        const res = await get('/themes', {}, await api.login(email));
        expect(res.status).toBe(200);
      }
    });
  });

  describe('maisons, directions, thèmes', () => {
    it('pages every list with ?limit=&cursor=, as every list of the API: all items, in order, each once', async () => {
      for (const [path, params] of [['/maisons', {}], ['/directions', {}], ['/themes', {}], ['/dispositifs', { q: 'tourisme' }], ['/referents', {}]] as const) {
        const whole = await get(path, params);
        expect(whole.status).toBe(200);
        const ids = (await walkPages((cursor) => get(path, { ...params, limit: '3', ...(cursor ? { cursor } : {}) }), 3)).map((x) => x.id);
        expect(ids).toEqual(whole.body.items.map((x: any) => x.id));
        expect(ids.length).toBeGreaterThan(3);
      }
      const tooMany = await get('/maisons', { limit: '500' });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors).toEqual([{ field: 'limit', message: 'limit ne doit pas dépasser 200.' }]);
      const stale = await get('/themes', { cursor: Buffer.from(JSON.stringify({ k: null, id: '00000000-0000-0000-0000-000000000000' })).toString('base64url') });
      expect(stale.status).toBe(400);
      expect(stale.body.errors).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    });

    it('lists the maisons with département, type, verifie, horaires and specialisations', async () => {
      const res = await get('/maisons');
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      const byCode = Object.fromEntries(res.body.items.map((m: any) => [m.code, m]));
      expect(res.body.items).toHaveLength(18);
      expect(byCode.carcassonne).toMatchObject({ departement: { code: '11', nom: 'Aude' }, type: 'maison', verifie: false });
      expect(byCode.carcassonne.specialisations.map((t: any) => t.code)).toEqual(['TOURISME']);
      expect(byCode.limoux).toMatchObject({ type: 'bureau_territorial', verifie: false, note: expect.stringMatching(/démonstration/) });
      expect(byCode.auch).toMatchObject({ verifie: true, horaires: expect.stringMatching(/lundi au vendredi/), adresse: expect.any(String) });

      const one = await get(`/maisons/${byCode.mende.id}`);
      expect(one.body).toEqual(byCode.mende);
      expect((await get(`/maisons/${UNKNOWN_ID}`)).status).toBe(404);
    });

    it('lists the directions with sigle, type and verifie, historical ones last', async () => {
      const res = await get('/directions');
      const codes = res.body.items.map((d: any) => d.code);
      expect(codes).toEqual(expect.arrayContaining(['def', 'ditee', 'ditm', 'madeeli', 'tourisme', 'economie-innovation', 'sports']));
      const ditee = res.body.items.find((d: any) => d.code === 'ditee');
      expect(ditee).toMatchObject({ sigle: 'DITEE', type: 'direction', verifie: false, historique: false });
      const firstHistorical = res.body.items.findIndex((d: any) => d.historique);
      expect(res.body.items.slice(firstHistorical).every((d: any) => d.historique)).toBe(true);

      const tourisme = await get(`/directions/${await idOf('direction', 'tourisme')}`);
      expect(tourisme.body.themes.map((t: any) => t.code)).toEqual(['TOURISME']);
      expect(tourisme.body.dispositifs.map((d: any) => d.code)).toContain('eceau-tourisme');
      expect((await get(`/directions/${UNKNOWN_ID}`)).status).toBe(404);
    });

    it('lists the 12 thèmes, each with its owning direction', async () => {
      const res = await get('/themes');
      expect(res.body.items).toHaveLength(12);
      expect(res.body.items.every((t: any) => t.direction?.id && t.direction.nom)).toBe(true);
      expect(res.body.items.find((t: any) => t.code === 'TOURISME').direction.code).toBe('tourisme');
    });

    it('has no dispositif without an active référent and no thème without a direction (SQL)', async () => {
      const orphans = await db.query(
        `SELECT d.code FROM dispositif d
          WHERE NOT EXISTS (SELECT 1 FROM referent_dispositif rd
                              JOIN referent r ON r.id = rd.referent_id
                              JOIN users u ON u.id = r.user_id AND u.actif
                             WHERE rd.dispositif_id = d.id)`,
      );
      expect(orphans).toEqual([]);
      expect(await db.count('theme', 'direction_id IS NULL')).toBe(0);
    });
  });

  describe('référents', () => {
    it('lists whom to ask for a dispositif, a thème or a direction', async () => {
      const eceau = await get('/referents', { dispositifId: await idOf('dispositif', 'eceau-tourisme') });
      expect(eceau.body.items.map((r: any) => r.email).sort()).toEqual(['referent.tourisme@relais.demo', 'referent2.tourisme@relais.demo']);
      expect(eceau.body.items[0]).toMatchObject({
        displayName: expect.any(String),
        direction: { code: 'tourisme' },
        themes: [{ code: 'TOURISME', libelle: 'Tourisme et thermalisme', id: expect.any(String) }],
      });
      expect(eceau.body.items[0].dispositifs.map((d: any) => d.code)).toContain('eceau-tourisme');

      const formation = await get('/referents', { themeId: await idOf('theme', 'FORMATION_EMPLOI') });
      expect(formation.body.items.map((r: any) => r.email)).toEqual(['referent.def@relais.demo']);

      const def = await get('/referents', { directionId: await idOf('direction', 'def') });
      expect(def.body.items.every((r: any) => r.direction.code === 'def')).toBe(true);

      const none = await get('/referents', { directionId: await idOf('direction', 'def'), dispositifId: await idOf('dispositif', 'eceau-tourisme') });
      expect(none.body).toEqual({ items: [], nextCursor: null });

      const all = await get('/referents');
      expect(all.body.items.length).toBe(await db.count('referent'));
    });
  });
});
