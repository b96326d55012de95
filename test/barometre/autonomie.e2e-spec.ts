import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { questionRows } from '../dashboards/question-rows';

/**
 * Autonomy (issue 15, ADR 0021): the computed gauge on a month built row by row (November 2026,
 * read on 2 December, Paris time), and the survey of current and wished autonomy.
 *
 * November:
 *   Carcassonne, Ec'Eau Tourisme: 4 answered at the desk (one closed, one at 23:30 on 30 November),
 *     1 escalated on 5 November although P1 (published 20 October) existed; 1 unanswered (not counted).
 *   Carcassonne, Pass Tourisme: escalated on 10 November (P2 is published on the 20th: after, no)
 *     and on 25 November (after P2: yes).
 *   Perpignan, Carte Jeune Région: 1 at the desk; 1 escalated (its only answer, P3, was withdrawn:
 *     no; P1 is another dispositif's: no).
 *   Perpignan, no dispositif: 1 escalated (no).
 * October (the trend's month):
 *   Carcassonne, Ec'Eau: 1 at the desk at 23:30 on 31 October (Paris), 1 escalated on 15 October
 *     (before P1: no). Perpignan, Carte Jeune: 2 at the desk.
 */
describe('autonomy: the computed gauge and the survey', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  const clock = new ManualClock(new Date('2026-12-02T10:00:00+01:00'));
  const ids: Record<string, string> = {};
  const tokens = new Map<string, string>();

  const token = async (email: string) => {
    if (!tokens.has(email)) tokens.set(email, await api.login(email));
    return tokens.get(email)!;
  };
  const get = async (email: string, path: string, headers: Record<string, string> = {}) => api.request('GET', `/api/v1/autonomie${path}`, { token: await token(email), headers });
  const post = async (email: string, path: string, body: unknown) => api.post(`/api/v1/autonomie${path}`, body, { token: await token(email) });
  const jauge = (email: string, query = 'mois=2026-11', headers: Record<string, string> = {}) => get(email, `/jauge?${query}`, headers);
  const q = (sql: string, params: unknown[] = []) => scratch.ownerQuery<any>(sql, params);
  const question = questionRows(q, ids, '8');
  async function publiee(o: { dispositif: string; at: string; retireeLe?: string }): Promise<void> {
    await q(
      `INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le, retiree_le)
       VALUES ($1, $2, 'Question reformulée', 'Réponse', 'interne', $3, $4, $5)`,
      [randomUUID(), ids[o.dispositif], ids.referent, o.at, o.retireeLe ?? null],
    );
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_autonomie');
    await seedDemoData(scratch.dataSource);
    const one = async (sql: string, p: unknown[]) => (await q(sql, p))[0].id as string;
    ids.eceau = await one(`SELECT id FROM dispositif WHERE code = $1`, ['eceau-tourisme']);
    ids.pass = await one(`SELECT id FROM dispositif WHERE code = $1`, ['pass-tourisme']);
    ids.carte = await one(`SELECT id FROM dispositif WHERE code = $1`, ['carte-jeune-region']);
    ids.carcassonne = await one(`SELECT id FROM maison WHERE code = $1`, ['carcassonne']);
    ids.perpignan = await one(`SELECT id FROM maison WHERE code = $1`, ['perpignan']);
    ids.tourisme = await one(`SELECT id FROM direction WHERE code = $1`, ['tourisme']);
    ids.themeTourisme = await one(`SELECT id FROM theme WHERE code = $1`, ['TOURISME']);
    ids.agent = await one(`SELECT id FROM users WHERE email = $1`, ['agent.carcassonne@relais.demo']);
    ids.referent = await one(`SELECT id FROM users WHERE email = $1`, ['referent.tourisme@relais.demo']);

    await publiee({ dispositif: 'eceau', at: '2026-10-20T10:00:00+02:00' }); // P1
    await publiee({ dispositif: 'pass', at: '2026-11-20T10:00:00+01:00' }); // P2
    await publiee({ dispositif: 'carte', at: '2026-10-01T10:00:00+02:00', retireeLe: '2026-10-02T10:00:00+02:00' }); // P3, withdrawn

    for (const [at, statut] of [
      ['2026-11-02T09:00:00+01:00', undefined],
      ['2026-11-03T09:00:00+01:00', undefined],
      ['2026-11-04T09:00:00+01:00', 'close'],
      ['2026-11-30T23:30:00+01:00', undefined],
    ] as const) {
      await question({ dispositif: 'eceau', maison: 'carcassonne', at, reponse: 'Oui.', statut });
    }
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-05T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-06T09:00:00+01:00' });
    await question({ dispositif: 'pass', maison: 'carcassonne', at: '2026-11-10T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'pass', maison: 'carcassonne', at: '2026-11-25T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-11-11T09:00:00+01:00', reponse: 'Oui.' });
    await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-11-12T09:00:00+01:00', escaladee: true });
    await question({ dispositif: null, maison: 'perpignan', at: '2026-11-13T09:00:00+01:00', escaladee: true });

    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-10-31T23:30:00+01:00', reponse: 'Oui.' });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-10-15T09:00:00+02:00', escaladee: true });
    await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-10-16T09:00:00+02:00', reponse: 'Oui.' });
    await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-10-17T09:00:00+02:00', reponse: 'Oui.' });

    api = await TestApi.start({ config: { DATABASE_URL: scratch.url }, clock });
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  const c = (reponduesLocalement: number, escaladees: number, escaladeesAvecReponsePubliee: number, tauxAutonomiePct: number | null, tauxAutonomiePrecedentPct?: number | null, tendancePts?: number | null) => ({
    reponduesLocalement,
    escaladees,
    escaladeesAvecReponsePubliee,
    tauxAutonomiePct,
    ...(tauxAutonomiePrecedentPct === undefined ? {} : { tauxAutonomiePrecedentPct, tendancePts }),
  });

  describe('the gauge', () => {
    it('the network in November: per MdR, per dispositif, the month, with the trend against October', async () => {
      const res = await jauge('manager.reseau@relais.demo');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ perimetre: { type: 'reseau', id: null }, du: '2026-11', au: '2026-11', precedent: { du: '2026-10', au: '2026-10' } });
      expect(res.body.total).toEqual(c(5, 5, 2, 50, 75, -25));
      expect(res.body.mois).toEqual([{ mois: '2026-11', ...c(5, 5, 2, 50, 75, -25) }]);
      expect(res.body.maisons).toEqual([
        { maisonId: ids.carcassonne, libelle: expect.stringContaining('Carcassonne'), ...c(4, 3, 2, 57.1, 50, 7.1) },
        { maisonId: ids.perpignan, libelle: expect.stringContaining('Perpignan'), ...c(1, 2, 0, 33.3, 100, -66.7) },
      ]);
      expect(res.body.dispositifs).toEqual([
        { dispositifId: ids.pass, libelle: 'Pass Tourisme', ...c(0, 2, 1, 0, null, null) },
        { dispositifId: ids.carte, libelle: expect.stringMatching(/^Carte/), ...c(1, 1, 0, 50, 100, -50) },
        { dispositifId: ids.eceau, libelle: "Ec'Eau Tourisme", ...c(4, 1, 1, 80, 50, 30) },
        { dispositifId: null, libelle: 'Sans dispositif', ...c(0, 1, 0, 0, null, null) },
      ]);
      expect(res.body.details).toEqual([
        { mois: '2026-11', maisonId: ids.carcassonne, dispositifId: ids.eceau, ...c(4, 1, 1, 80) },
        { mois: '2026-11', maisonId: ids.carcassonne, dispositifId: ids.pass, ...c(0, 2, 1, 0) },
        { mois: '2026-11', maisonId: ids.perpignan, dispositifId: ids.carte, ...c(1, 1, 0, 50) },
        { mois: '2026-11', maisonId: ids.perpignan, dispositifId: null, ...c(0, 1, 0, 0) },
      ]);
    });

    it('a range of months: each month with its own trend, compared with as many months before', async () => {
      const res = await jauge('manager.reseau@relais.demo', 'du=2026-10&au=2026-11');
      expect(res.status).toBe(200);
      expect(res.body.precedent).toEqual({ du: '2026-08', au: '2026-09' });
      expect(res.body.total).toEqual(c(8, 6, 2, 57.1, null, null));
      expect(res.body.mois).toEqual([
        { mois: '2026-10', ...c(3, 1, 0, 75, null, null) },
        { mois: '2026-11', ...c(5, 5, 2, 50, 75, -25) },
      ]);
    });

    it('the scope of the SLA dashboard: an MdR its own, a direction its dispositifs; agents 403, others’ 403, unknown 404', async () => {
      const carcassonne = await jauge('responsable.carcassonne@relais.demo');
      expect(carcassonne.status).toBe(200);
      expect(carcassonne.body.perimetre).toMatchObject({ type: 'maison', id: ids.carcassonne });
      expect(carcassonne.body.maisons.map((m: any) => m.maisonId)).toEqual([ids.carcassonne]);
      expect(carcassonne.body.total).toEqual(c(4, 3, 2, 57.1, 50, 7.1));

      const tourisme = await jauge('manager.tourisme@relais.demo');
      expect(tourisme.status).toBe(200);
      expect(tourisme.body.dispositifs.map((d: any) => d.dispositifId)).toEqual([ids.pass, ids.eceau]);
      expect(tourisme.body.total).toEqual(c(4, 3, 2, 57.1, 50, 7.1));

      expect((await jauge('agent.carcassonne@relais.demo')).status).toBe(403);
      expect((await jauge('agent.carcassonne@relais.demo', 'mois=2026-11', { accept: 'text/csv' })).status).toBe(403);
      expect((await jauge('responsable.carcassonne@relais.demo', `mois=2026-11&perimetre=maison:${ids.perpignan}`)).status).toBe(403);
      expect((await jauge('responsable.carcassonne@relais.demo', 'mois=2026-11&perimetre=reseau')).status).toBe(403);
      expect((await jauge('manager.reseau@relais.demo', `perimetre=maison:${randomUUID()}`)).status).toBe(404);
    });

    it('validates the months, naming the field', async () => {
      const bad = await jauge('manager.reseau@relais.demo', 'mois=2026-13');
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'mois', message: expect.stringContaining('AAAA-MM') }]);
      const inverted = await jauge('manager.reseau@relais.demo', 'du=2026-11&au=2026-10');
      expect(inverted.status).toBe(400);
      expect(inverted.body.errors[0].field).toBe('du');
      const long = await jauge('manager.reseau@relais.demo', 'du=2024-01&au=2026-11');
      expect(long.status).toBe(400);
      expect(long.body.errors[0].field).toBe('au');
      const both = await jauge('manager.reseau@relais.demo', 'mois=2026-11&du=2026-10');
      expect(both.status).toBe(400);
      expect(both.body.errors[0].field).toBe('mois');
    });

    it('by default, the current month (December, nothing yet; November is the trend’s month)', async () => {
      const res = await jauge('manager.reseau@relais.demo', '');
      expect(res.body).toMatchObject({ du: '2026-12', au: '2026-12', precedent: { du: '2026-11', au: '2026-11' } });
      expect(res.body.total).toEqual(c(0, 0, 0, null, 50, null));
      expect(res.body.maisons.map((m: any) => m.tauxAutonomiePct)).toEqual([null, null]);
    });

    it('exports the same figures as a French spreadsheet (text/csv)', async () => {
      const res = await jauge('manager.reseau@relais.demo', 'mois=2026-11', { accept: 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="relais-autonomie-reseau-2026-11-2026-11.csv"');
      const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe(
        "Section;Maison;Dispositif;Mois;Répondues au guichet;Escaladées;Escaladées malgré une réponse publiée;Taux d'autonomie (%);Taux période précédente (%);Tendance (points)",
      );
      expect(lines[1]).toBe('Total;Réseau des Maisons de la Région;;2026-11;5;5;2;50;75;-25');
      expect(lines).toContain('Dispositif;;Pass Tourisme;2026-11;0;2;1;0;;');
      expect(lines.filter((l) => l.startsWith('Maison;'))).toHaveLength(2);
      expect(lines.at(-1)).toMatch(/^Détail;.*Perpignan;Sans dispositif;2026-11;0;1;0;0;;$/);
    });
  });

  describe('the survey', () => {
    const notes = (actuelle: number[], souhaitee: number[]) =>
      ['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers'].map((domaine, i) => ({ domaine, actuelle: actuelle[i], souhaitee: souhaitee[i] }));
    let vague1: string;

    it('no wave open: answering is a 404; only network managers and admins open one', async () => {
      const sans = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: notes([1, 1, 1, 1, 1], [2, 2, 2, 2, 2]) });
      expect(sans.status).toBe(404);
      expect((await get('responsable.carcassonne@relais.demo', '')).status).toBe(404);
      expect((await post('manager.tourisme@relais.demo', '/enquetes', { libelle: 'Vague' })).status).toBe(403);
      expect((await post('responsable.carcassonne@relais.demo', '/enquetes', { libelle: 'Vague' })).status).toBe(403);
      const vide = await post('manager.reseau@relais.demo', '/enquetes', { libelle: '   ' });
      expect(vide.status).toBe(400);
      expect(vide.body.errors[0].field).toBe('libelle');
      const ouverte = await post('manager.reseau@relais.demo', '/enquetes', { libelle: 'Enquête autonomie 2026' });
      expect(ouverte.status).toBe(201);
      expect(ouverte.body).toMatchObject({ libelle: 'Enquête autonomie 2026', ouverte: true, fermeeLe: null });
      vague1 = ouverte.body.id;
    });

    it('validates the ratings, naming the field: each area once, 1 to 5 in whole numbers', async () => {
      const doublon = notes([1, 2, 3, 4, 5], [5, 5, 5, 5, 5]);
      doublon[1].domaine = 'communication';
      const d = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: doublon });
      expect(d.status).toBe(400);
      expect(d.body.errors).toEqual([
        { field: 'notes.1.domaine', message: expect.stringContaining('deux fois') },
        { field: 'notes', message: expect.stringContaining('evenements') },
      ]);
      const manquant = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: notes([1, 2, 3, 4, 5], [5, 5, 5, 5, 5]).slice(0, 4) });
      expect(manquant.status).toBe(400);
      expect(manquant.body.errors).toEqual([{ field: 'notes', message: expect.stringContaining('reponse_usagers') }]);
      const hors = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: notes([6, 2, 3, 4, 5], [5, 5, 5, 5, 2.5]) });
      expect(hors.status).toBe(400);
      expect(hors.body.errors.map((e: any) => e.field).sort()).toEqual(['notes.0.actuelle', 'notes.4.souhaitee']);
      const inconnu = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: [{ domaine: 'sport', actuelle: 1, souhaitee: 1 }] });
      expect(inconnu.status).toBe(400);
      expect(inconnu.body.errors[0].field).toBe('notes.0.domaine');
      expect((await post('agent.carcassonne@relais.demo', '/reponses', { notes: notes([1, 2, 3, 4, 5], [5, 5, 5, 5, 5]) })).status).toBe(403);
      expect((await post('referent.tourisme@relais.demo', '/reponses', { notes: notes([1, 2, 3, 4, 5], [5, 5, 5, 5, 5]) })).status).toBe(403);
    });

    it('one answer per respondent and wave: answering again replaces it', async () => {
      const first = await post('responsable.carcassonne@relais.demo', '/reponses', { notes: notes([1, 1, 1, 1, 1], [1, 1, 1, 1, 1]) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ enqueteId: vague1, groupe: 'mdr', version: 1 });
      const again = await post('responsable.carcassonne@relais.demo', '/reponses', { enqueteId: vague1, notes: notes([2, 3, 1, 1, 4], [4, 4, 3, 3, 5]).reverse() });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ version: 2, notes: notes([2, 3, 1, 1, 4], [4, 4, 3, 3, 5]) });
      expect(await q(`SELECT count(*)::int AS n FROM reponse_autonomie WHERE enquete_id = $1`, [vague1])).toEqual([{ n: 1 }]);

      expect((await post('responsable.perpignan@relais.demo', '/reponses', { notes: notes([4, 3, 3, 1, 4], [4, 5, 3, 2, 4]) })).status).toBe(200);
      expect((await post('manager.tourisme@relais.demo', '/reponses', { notes: notes([2, 2, 2, 1, 3], [3, 3, 3, 2, 4]) })).body.groupe).toBe('siege');
      expect((await post('cabinet.conseiller@relais.demo', '/reponses', { notes: notes([2, 2, 2, 1, 3], [2, 2, 2, 1, 3]) })).body.groupe).toBe('siege');
    });

    it('current vs wished per area and group, beside the gauge; an MdR sees the aggregates and its own answer only', async () => {
      const res = await get('responsable.perpignan@relais.demo', '');
      expect(res.status).toBe(200);
      expect(res.body.enquete).toMatchObject({ id: vague1, ouverte: true });
      expect(res.body.repondants).toEqual({ mdr: 2, siege: 2 });
      expect(res.body.jaugeReseau).toEqual({ mois: '2026-11', ...c(5, 5, 2, 50) });
      expect(res.body.reponses).toBeNull();
      expect(res.body.maReponse).toMatchObject({ groupe: 'mdr', notes: notes([4, 3, 3, 1, 4], [4, 5, 3, 2, 4]) });
      expect(res.body.domaines.map((d: any) => d.domaine)).toEqual(['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers']);
      // communication: MdR current 2 and 4, wished 4 and 4; siège current 2 and 2, wished 3 and 2.
      expect(res.body.domaines[0]).toEqual({
        domaine: 'communication',
        libelle: 'Communication',
        mdr: { repondants: 2, actuelle: { moyenne: 3, distribution: [0, 1, 0, 1, 0] }, souhaitee: { moyenne: 4, distribution: [0, 0, 0, 2, 0] }, ecart: 1 },
        siege: { repondants: 2, actuelle: { moyenne: 2, distribution: [0, 2, 0, 0, 0] }, souhaitee: { moyenne: 2.5, distribution: [0, 1, 1, 0, 0] }, ecart: 0.5 },
      });
      // evenements: MdR current 3 and 3, wished 4 and 5.
      expect(res.body.domaines[1].mdr).toMatchObject({ actuelle: { moyenne: 3 }, souhaitee: { moyenne: 4.5 }, ecart: 1.5 });
      expect(JSON.stringify(res.body)).not.toContain('Carcassonne');
    });

    it('a network manager sees each answer; référents and agents see nothing', async () => {
      const res = await get('manager.reseau@relais.demo', `?enqueteId=${vague1}`);
      expect(res.status).toBe(200);
      expect(res.body.maReponse).toBeNull();
      expect(res.body.reponses).toHaveLength(4);
      expect(res.body.reponses.filter((r: any) => r.groupe === 'mdr').map((r: any) => r.maisonId).sort()).toEqual([ids.carcassonne, ids.perpignan].sort());
      expect((await get('manager.tourisme@relais.demo', '')).body.reponses).toBeNull();
      expect((await get('referent.tourisme@relais.demo', '')).status).toBe(403);
      expect((await get('agent.carcassonne@relais.demo', '')).status).toBe(403);
      expect((await get('manager.reseau@relais.demo', `?enqueteId=${randomUUID()}`)).status).toBe(404);
      expect((await get('manager.reseau@relais.demo', '?enqueteId=nope')).status).toBe(400);
    });

    it('opening a new wave closes the previous one, which takes no more answers; a retried opening opens once', async () => {
      const cle = { token: await token('admin@relais.demo'), headers: { 'idempotency-key': randomUUID() } };
      const vague2 = await api.post('/api/v1/autonomie/enquetes', { libelle: 'Enquête autonomie 2027' }, cle);
      expect(vague2.status).toBe(201);
      const rejouee = await api.post('/api/v1/autonomie/enquetes', { libelle: 'Enquête autonomie 2027' }, cle);
      expect(rejouee.status).toBe(201);
      expect(rejouee.headers.get('idempotent-replayed')).toBe('true');
      expect(rejouee.body.id).toBe(vague2.body.id);
      expect((await api.post('/api/v1/autonomie/enquetes', { libelle: 'Autre' }, cle)).status).toBe(422);
      const closed = await post('responsable.carcassonne@relais.demo', '/reponses', { enqueteId: vague1, notes: notes([1, 1, 1, 1, 1], [1, 1, 1, 1, 1]) });
      expect(closed.status).toBe(409);
      expect(closed.body.code).toBe('ENQUETE_FERMEE');
      const liste = await get('responsable.carcassonne@relais.demo', '/enquetes');
      expect(liste.body.map((e: any) => [e.libelle, e.ouverte])).toEqual([
        ['Enquête autonomie 2027', true],
        ['Enquête autonomie 2026', false],
      ]);
      // The default is now the open wave, still unanswered.
      const res = await get('responsable.carcassonne@relais.demo', '');
      expect(res.body).toMatchObject({ enquete: { id: vague2.body.id }, repondants: { mdr: 0, siege: 0 }, maReponse: null });
      expect(res.body.domaines[0].mdr).toEqual({ repondants: 0, actuelle: { moyenne: null, distribution: [0, 0, 0, 0, 0] }, souhaitee: { moyenne: null, distribution: [0, 0, 0, 0, 0] }, ecart: null });
    });
  });
});
