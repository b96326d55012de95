import { randomUUID } from 'node:crypto';
import { seedDemoData } from '@app/directory';
import { TestDb } from '../setup/db';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { directoryFixture, EMAILS } from '../questions/fixtures';

const PROBLEM = /^application\/problem\+json/;

/**
 * The barometer (issue 15, ADR 0020) on a database of its own: March 2026 is built by hand
 * (entries, questions, SLA breaches, with the Europe/Paris month edges, winter time on 1 March
 * and summer time on 31 March), so every figure of GET /barometre is known.
 */
describe('the barometer « Quel temps fait-il chez vous ? »', () => {
  let scratch: ScratchDatabase;
  let db: TestDb;
  let api: TestApi;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let autreDispositif: { id: string; nom: string };
  let eceauNom: string;
  let agentC: string;
  let responsableC: string;
  let agentP: string;
  let managerReseau: string;
  let managerTourisme: string;
  let cabinet: string;
  let auteurC: string;
  let auteurP: string;
  let nbMaisons: number;

  const releve = (maisonId: string, auteur: string, meteo: string, at: string, extra: { theme?: string; dispositif?: string } = {}) =>
    db.query(
      `INSERT INTO barometre_releve (id, maison_id, meteo, commentaire, theme_id, dispositif_id, auteur_id, releve_le) VALUES ($1, $2, $3, 'Remarque d’un usager', $4, $5, $6, $7)`,
      [randomUUID(), maisonId, meteo, extra.theme ?? null, extra.dispositif ?? null, auteur, at],
    );
  let n = 0;
  const question = async (maisonId: string, at: string, opts: { dispositif?: string; direction?: string; breachedAt?: string } = {}) => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, dispositif_id, direction_id, created_by, created_at, updated_at, escaladee_at, version)
       VALUES ($1, $2, $3, 'Objet', 'Description', 'guichet', 'normale', $4, $5, $6, $7, $8, $8, $9, 1)`,
      [id, `B-2026-${++n}`, maisonId, opts.direction ? 'escaladee' : 'recue', opts.dispositif ?? null, opts.direction ?? null, auteurC, at, opts.direction ? at : null],
    );
    if (opts.breachedAt) {
      await db.query(
        `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, etat, cible_minutes, seuil_pct, calendrier_id, demarree_a, depassee_a)
         VALUES ($1, 'question', $2, $2, 'premiere_reponse', 'breached', 480, 80, 'reseau', $3, $4)`,
        [randomUUID(), id, at, opts.breachedAt],
      );
    }
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_barometre');
    await seedDemoData(scratch.dataSource);
    db = new TestDb(scratch.ownerUrl);
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url } });
    ids = await directoryFixture(db);
    eceauNom = (await db.one(`SELECT nom FROM dispositif WHERE id = $1`, [ids.eceau])).nom;
    autreDispositif = await db.one(`SELECT id, nom FROM dispositif WHERE id <> $1 ORDER BY code LIMIT 1`, [ids.eceau]);
    nbMaisons = Number((await db.one(`SELECT count(*) AS n FROM maison`)).n);
    await db.query(`UPDATE dispositif SET theme_id = $2 WHERE id = $1`, [ids.eceau, ids.themeTourisme]);
    [agentC, responsableC, agentP, managerReseau, managerTourisme, cabinet] = await Promise.all(
      [EMAILS.agentCarcassonne, EMAILS.responsableCarcassonne, EMAILS.agentPerpignan, EMAILS.managerReseau, EMAILS.managerTourisme, EMAILS.cabinet].map((e) => api.login(e)),
    );
    auteurC = (await db.one(`SELECT id FROM users WHERE email = $1`, [EMAILS.agentCarcassonne])).id;
    auteurP = (await db.one(`SELECT id FROM users WHERE email = $1`, [EMAILS.agentPerpignan])).id;

    // Carcassonne, March 2026 (Paris): soleil 2, soleil voilé 1, pluie 2, orage 1 → score 17/6 = 2.83 → nuageux.
    await releve(ids.carcassonne, auteurC, 'soleil', '2026-02-28T23:00:00Z'); // 1 March 00:00 in Paris (winter time)
    await releve(ids.carcassonne, auteurC, 'soleil', '2026-03-10T09:00:00Z', { theme: ids.themeFormation });
    await releve(ids.carcassonne, auteurC, 'soleil_voile', '2026-03-12T09:00:00Z');
    await releve(ids.carcassonne, auteurC, 'pluie', '2026-03-15T09:00:00Z', { theme: ids.themeTourisme });
    await releve(ids.carcassonne, auteurC, 'pluie', '2026-03-16T09:00:00Z', { dispositif: ids.eceau }); // Tourisme through its dispositif
    await releve(ids.carcassonne, auteurC, 'orage', '2026-03-31T21:59:59Z', { theme: ids.themeFormation }); // 31 March 23:59:59 in Paris (summer time)
    // Outside March: April in Paris, February in Paris.
    await releve(ids.carcassonne, auteurC, 'orage', '2026-03-31T22:00:00Z', { theme: ids.themeFormation });
    await releve(ids.carcassonne, auteurC, 'orage', '2026-02-28T22:59:59Z');
    await releve(ids.carcassonne, auteurC, 'pluie', '2026-02-10T09:00:00Z');
    // Perpignan, March: soleil voilé + nuageux = 2.5 → nuageux (a tie goes to the worse); nothing in February.
    await releve(ids.perpignan, auteurP, 'soleil_voile', '2026-03-05T09:00:00Z');
    await releve(ids.perpignan, auteurP, 'nuageux', '2026-03-06T09:00:00Z', { theme: ids.themeTourisme });

    // Carcassonne's operations in March: 4 questions (3 on Ec'Eau), 2 escalated (tourisme, def), 2 SLA breaches in March.
    await question(ids.carcassonne, '2026-02-28T23:30:00Z', { dispositif: ids.eceau });
    await question(ids.carcassonne, '2026-03-03T10:00:00Z', { dispositif: ids.eceau, direction: ids.tourisme, breachedAt: '2026-03-05T10:00:00Z' });
    await question(ids.carcassonne, '2026-03-04T10:00:00Z', { dispositif: ids.eceau, direction: ids.def, breachedAt: '2026-04-01T10:00:00Z' });
    await question(ids.carcassonne, '2026-03-20T10:00:00Z', { dispositif: autreDispositif.id });
    await question(ids.carcassonne, '2026-02-20T10:00:00Z', { direction: ids.tourisme, breachedAt: '2026-03-02T10:00:00Z' }); // February question, March breach
    await question(ids.carcassonne, '2026-03-31T22:30:00Z', { dispositif: autreDispositif.id }); // April in Paris
    await question(ids.perpignan, '2026-03-10T10:00:00Z', { dispositif: ids.eceau });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.close();
    await scratch?.drop();
  });

  const barometre = (query: string, token: string, headers: Record<string, string> = {}) => api.get(`/api/v1/barometre${query}`, { token, headers });

  describe('GET /barometre on the hand-built month', () => {
    it('gives the network manager every Maison: counts, weather of the month, trend, bad-weather thèmes and the operations', async () => {
      const res = await barometre('?mois=2026-03&perimetre=reseau', managerReseau);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        mois: '2026-03',
        moisPrecedent: '2026-02',
        perimetre: { type: 'reseau', id: null },
        total: { comptes: { soleil: 2, soleil_voile: 2, nuageux: 1, pluie: 2, orage: 1 }, total: 8, scoreMoyen: 2.75, meteoDuMois: 'nuageux', tendance: 'amelioration' },
      });
      expect(res.body.territoires).toHaveLength(nbMaisons);
      const c = res.body.territoires.find((t: any) => t.maisonId === ids.carcassonne);
      expect(c).toEqual({
        maisonId: ids.carcassonne,
        nom: expect.any(String),
        ville: 'Carcassonne',
        departementCode: '11',
        latitude: 43.213,
        longitude: 2.351,
        comptes: { soleil: 2, soleil_voile: 1, nuageux: 0, pluie: 2, orage: 1 },
        total: 6,
        scoreMoyen: 2.83,
        meteoDuMois: 'nuageux',
        meteoMoisPrecedent: 'orage',
        tendance: 'amelioration',
        detail: {
          themesMauvaisTemps: [
            { themeId: ids.themeTourisme, libelle: expect.any(String), releves: 2 },
            { themeId: ids.themeFormation, libelle: expect.any(String), releves: 1 },
          ],
          operations: {
            questions: 4,
            escaladees: 2,
            depassementsSla: 2,
            dispositifs: [
              { dispositifId: ids.eceau, libelle: eceauNom, questions: 3 },
              { dispositifId: autreDispositif.id, libelle: autreDispositif.nom, questions: 1 },
            ],
          },
        },
      });
      const p = res.body.territoires.find((t: any) => t.maisonId === ids.perpignan);
      expect(p).toMatchObject({ comptes: { soleil_voile: 1, nuageux: 1 }, total: 2, scoreMoyen: 2.5, meteoDuMois: 'nuageux', meteoMoisPrecedent: null, tendance: null });
      expect(p.detail).toEqual({ themesMauvaisTemps: [], operations: { questions: 1, escaladees: 0, depassementsSla: 0, dispositifs: [{ dispositifId: ids.eceau, libelle: eceauNom, questions: 1 }] } });
      // A Maison with no entry: zero counts, no weather.
      const vide = res.body.territoires.find((t: any) => ![ids.carcassonne, ids.perpignan].includes(t.maisonId));
      expect(vide).toMatchObject({ total: 0, scoreMoyen: null, meteoDuMois: null, tendance: null });
      // Every Maison of the demo directory is on the map.
      expect(res.body.territoires.filter((t: any) => t.latitude === null || t.longitude === null).map((t: any) => t.ville)).toEqual([]);
    });

    it('February on its own: the previous month of March, orage for Carcassonne', async () => {
      const res = await barometre('?mois=2026-02', managerReseau);
      const c = res.body.territoires.find((t: any) => t.maisonId === ids.carcassonne);
      expect(c).toMatchObject({ comptes: { orage: 1, pluie: 1 }, total: 2, scoreMoyen: 4.5, meteoDuMois: 'orage', tendance: null });
      expect(c.detail.operations).toMatchObject({ questions: 1, escaladees: 1, depassementsSla: 0 });
    });

    it('a direction manager sees every Maison’s weather and the operations routed to their direction', async () => {
      const res = await barometre('?mois=2026-03', managerTourisme);
      expect(res.status).toBe(200);
      expect(res.body.perimetre).toMatchObject({ type: 'direction', id: ids.tourisme });
      const c = res.body.territoires.find((t: any) => t.maisonId === ids.carcassonne);
      expect(c.meteoDuMois).toBe('nuageux');
      // The March question escalated to tourisme, and the breach in March of February's question escalated to tourisme.
      expect(c.detail.operations).toEqual({ questions: 1, escaladees: 1, depassementsSla: 2, dispositifs: [{ dispositifId: ids.eceau, libelle: eceauNom, questions: 1 }] });
      expect((await barometre('?mois=2026-03&perimetre=reseau', managerTourisme)).status).toBe(403);
    });

    it('an MdR sees its own Maison in detail, and the network’s weather without the other Maisons’ detail', async () => {
      const own = await barometre('?mois=2026-03', agentC);
      expect(own.status).toBe(200);
      expect(own.body.perimetre).toMatchObject({ type: 'maison', id: ids.carcassonne });
      expect(own.body.territoires).toHaveLength(1);
      expect(own.body.territoires[0]).toMatchObject({ maisonId: ids.carcassonne, meteoDuMois: 'nuageux', detail: { operations: { questions: 4 } } });

      const reseau = await barometre('?mois=2026-03&perimetre=reseau', agentC);
      expect(reseau.status).toBe(200);
      expect(reseau.body.territoires).toHaveLength(nbMaisons);
      expect(reseau.body.territoires.find((t: any) => t.maisonId === ids.carcassonne).detail).not.toBeNull();
      const p = reseau.body.territoires.find((t: any) => t.maisonId === ids.perpignan);
      expect(p).toMatchObject({ meteoDuMois: 'nuageux', total: 2, detail: null });

      const autre = await barometre(`?mois=2026-03&perimetre=maison:${ids.perpignan}`, agentC);
      expect(autre.status).toBe(403);
      expect(autre.headers.get('content-type')).toMatch(PROBLEM);
      expect((await barometre(`?mois=2026-03&perimetre=direction:${ids.tourisme}`, responsableC)).status).toBe(403);
      // The Cabinet has the network; a Maison's manager their Maison, not the network.
      expect((await barometre('?mois=2026-03', cabinet)).body.perimetre.type).toBe('reseau');
      const managerC = await api.login('manager.carcassonne@relais.demo');
      const mc = await barometre('?mois=2026-03', managerC);
      expect(mc.body.perimetre).toMatchObject({ type: 'maison', id: ids.carcassonne });
      expect(mc.body.territoires.map((t: any) => [t.maisonId, t.detail?.operations.questions])).toEqual([[ids.carcassonne, 4]]);
      expect((await barometre('?mois=2026-03&perimetre=reseau', managerC)).status).toBe(403);
    });

    it('refuses a malformed month or perimeter, naming the field', async () => {
      for (const q of ['?mois=2026-13', '?mois=mars', '?perimetre=maison:12']) {
        const res = await barometre(q, managerReseau);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
        expect(res.body.errors.map((e: any) => e.field)).toEqual([q.includes('mois') ? 'mois' : 'perimetre']);
      }
      expect((await barometre(`?perimetre=maison:${randomUUID()}`, managerReseau)).status).toBe(404);
    });

    it('exports the month as CSV for a spreadsheet (BOM, ;, one line per Maison)', async () => {
      const res = await barometre('?mois=2026-03&perimetre=reseau', managerReseau, { accept: 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="relais-barometre-reseau-2026-03.csv"');
      // fetch's text() drops the byte order mark: read the bytes.
      const bytes = Buffer.from(await (await fetch(`${api.baseUrl}/api/v1/barometre?mois=2026-03&perimetre=reseau`, { headers: { authorization: `Bearer ${managerReseau}`, accept: 'text/csv' } })).arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
      expect(lines).toHaveLength(nbMaisons + 1);
      expect(lines[0]).toBe(
        'Mois;Maison;Ville;Soleil;Soleil voilé;Nuageux;Pluie;Orage;Relevés;Score moyen;Météo du mois;Météo du mois précédent;Tendance;Thèmes du mauvais temps;Questions;Escaladées;Dépassements SLA;Dispositifs les plus demandés',
      );
      const c = lines.find((l) => l.includes(';Carcassonne;'))!.split(';');
      expect(c.slice(2, 13)).toEqual(['Carcassonne', '2', '1', '0', '2', '1', '6', '2,83', 'Nuageux', 'Orage', 'En amélioration']);
      expect(c.slice(14, 17)).toEqual(['4', '2', '2']);
      expect(c[17]).toBe(`${eceauNom} (3), ${autreDispositif.nom} (1)`);
    });
  });

  describe('POST /barometre', () => {
    const body = (over: Record<string, unknown> = {}) => ({ maisonId: ids.carcassonne, meteo: 'pluie', commentaire: 'Les familles trouvent le dossier de bourse trop long.', themeId: ids.themeFormation, ...over });

    it('records an entry of the agent’s Maison, counted in the current month; an Idempotency-Key replays it', async () => {
      const headers = { 'idempotency-key': randomUUID() };
      const res = await api.post('/api/v1/barometre', body(), { token: agentC, headers });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ maisonId: ids.carcassonne, meteo: 'pluie', commentaire: 'Les familles trouvent le dossier de bourse trop long.', theme: { id: ids.themeFormation }, dispositif: null, auteur: { id: auteurC } });
      const replay = await api.post('/api/v1/barometre', body(), { token: agentC, headers });
      expect(replay.status).toBe(201);
      expect(replay.body.id).toBe(res.body.id);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await api.post('/api/v1/barometre', body({ meteo: 'orage' }), { token: agentC, headers })).status).toBe(422);
      expect(await db.count('barometre_releve', 'id = $1', [res.body.id])).toBe(1);

      const now = await barometre('', agentC);
      expect(now.body.territoires[0]).toMatchObject({ comptes: { pluie: 1 }, total: 1, meteoDuMois: 'pluie' });
      // The responsable records too, with neither thème nor comment (the comment is optional).
      const bref = await api.post('/api/v1/barometre', { maisonId: ids.carcassonne, meteo: 'soleil' }, { token: responsableC });
      expect(bref.status).toBe(201);
      expect(bref.body).toMatchObject({ meteo: 'soleil', commentaire: '', theme: null });
    });

    it.each([
      ['an e-mail address', 'Écrire à jean.dupont@gmail.com pour la suite', 'une adresse e-mail'],
      ['a phone number', 'Rappeler Mme au 06 12 34 56 78', 'un numéro de téléphone'],
      ['a dotted phone number', 'tél. 04.68.11.22.33', 'un numéro de téléphone'],
      ['a +33 phone number', 'joignable au +33 6 12 34 56 78', 'un numéro de téléphone'],
    ])('refuses %s in the comment with a French 422 naming commentaire', async (_, commentaire, what) => {
      const before = await db.count('barometre_releve');
      const res = await api.post('/api/v1/barometre', body({ commentaire }), { token: agentC });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'commentaire', message: expect.stringContaining(what) }]);
      expect(res.body.errors[0].message).toMatch(/^Pas de donnée personnelle/);
      expect(await db.count('barometre_releve')).toBe(before);
    });

    it('refuses a long comment, an unknown weather, an unknown thème', async () => {
      const long = await api.post('/api/v1/barometre', body({ commentaire: 'x'.repeat(501) }), { token: agentC });
      expect(long.status).toBe(400);
      expect(long.body.errors.map((e: any) => e.field)).toEqual(['commentaire']);
      const meteo = await api.post('/api/v1/barometre', body({ meteo: 'grele' }), { token: agentC });
      expect(meteo.status).toBe(400);
      expect(meteo.body.errors.map((e: any) => e.field)).toEqual(['meteo']);
      const theme = await api.post('/api/v1/barometre', body({ themeId: randomUUID() }), { token: agentC });
      expect(theme.status).toBe(422);
      expect(theme.body.errors.map((e: any) => e.field)).toEqual(['themeId']);
    });

    it('is for the agents of the Maison only: another Maison is 404, a manager 403', async () => {
      expect((await api.post('/api/v1/barometre', body(), { token: agentP })).status).toBe(404);
      expect((await api.post('/api/v1/barometre', body(), { token: managerReseau })).status).toBe(403);
      expect((await api.post('/api/v1/barometre', body({ maisonId: ids.perpignan }), { token: agentP })).status).toBe(201);
    });
  });

  describe('monthly summaries', () => {
    it('the responsable publishes one per month; a second needs If-Match (409 without, 412 stale); everyone reads the feed', async () => {
      const synthese = { mois: '2026-03', texte: 'Un mois nuageux : les bourses de formation inquiètent, le tourisme va mieux.' };
      expect((await api.post('/api/v1/barometre/syntheses', synthese, { token: agentC })).status).toBe(403);
      expect((await api.post('/api/v1/barometre/syntheses', synthese, { token: managerReseau })).status).toBe(403);

      const created = await api.post('/api/v1/barometre/syntheses', synthese, { token: responsableC });
      expect(created.status).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.body).toMatchObject({ maison: { id: ids.carcassonne }, mois: '2026-03', texte: synthese.texte, version: 1, modifieeLe: null });

      const again = await api.post('/api/v1/barometre/syntheses', synthese, { token: responsableC });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(PROBLEM);
      expect((await api.post('/api/v1/barometre/syntheses', synthese, { token: responsableC, headers: { 'if-match': '"7"' } })).status).toBe(412);
      const updated = await api.post('/api/v1/barometre/syntheses', { ...synthese, texte: 'Mis à jour.' }, { token: responsableC, headers: { 'if-match': '"1"' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id: created.body.id, texte: 'Mis à jour.', version: 2 });
      expect(updated.headers.get('etag')).toBe('"2"');

      const personal = await api.post('/api/v1/barometre/syntheses', { mois: '2026-02', texte: 'Voir avec marie@exemple.fr' }, { token: responsableC });
      expect(personal.status).toBe(422);
      expect(personal.body.errors.map((e: any) => e.field)).toEqual(['texte']);

      for (const token of [agentP, managerReseau, cabinet]) {
        const feed = await api.get('/api/v1/barometre/syntheses?mois=2026-03', { token });
        expect(feed.status).toBe(200);
        expect(feed.body).toEqual({ mois: '2026-03', items: [expect.objectContaining({ id: created.body.id, texte: 'Mis à jour.', maison: { id: ids.carcassonne, nom: expect.any(String) } })] });
      }
      expect((await api.get('/api/v1/barometre/syntheses?mois=2026-02', { token: agentP })).body.items).toEqual([]);
    });
  });
});
