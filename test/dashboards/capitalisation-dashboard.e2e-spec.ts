import { randomUUID } from 'node:crypto';
import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { questionRows } from './question-rows';

/**
 * The capitalisation dashboard (ADR 0017) on a dataset built row by row, November 2026, read on
 * 2 December: exact escalations, published answers, answers at the desk, reuses and rates per
 * dispositif and perimeter; the role scope of the SLA dashboard; the CSV export.
 *
 * Ec'Eau Tourisme (tourism): 4 escalations (3 from Carcassonne, one of them at 23:30 on 30
 *   November, Paris time; one on 31 October at 23:30 is outside), 3 answered at the desk (2 by
 *   reuse), an unanswered and an answerless closed one (neither counts); 2 answers published in
 *   November (one from a Carcassonne question), one withdrawn and one of October (neither counts).
 * Pass Tourisme (tourism): 2 escalations from Perpignan.
 * Carte Jeune Région (DEF): 1 escalation, 1 answer at the desk by reuse, 1 published answer.
 * No dispositif: 1 escalation.
 */
describe('capitalisation dashboard', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  const clock = new ManualClock(new Date('2026-12-02T10:00:00+01:00'));
  const ids: Record<string, string> = {};
  const NOV = 'du=2026-11-01&au=2026-11-30';

  const get = async (email: string, query = '', headers: Record<string, string> = {}) =>
    api.request('GET', `/api/v1/tableaux-de-bord/capitalisation?${query}`, { token: await api.login(email), headers });
  const q = (sql: string, params: unknown[] = []) => scratch.ownerQuery<any>(sql, params);
  const question = questionRows(q, ids, '9');
  async function publiee(o: { dispositif: string; at: string; source?: string; retiree?: boolean }): Promise<string> {
    const id = randomUUID();
    await q(
      `INSERT INTO reponse_publiee (id, dispositif_id, question_source_id, question, reponse, diffusion, auteur_id, publiee_le, retiree_le)
       VALUES ($1, $2, $3, 'Question reformulée', 'Réponse', 'interne', $4, $5, $6)`,
      [id, ids[o.dispositif], o.source ?? null, ids.referent, o.at, o.retiree ? o.at : null],
    );
    return id;
  }
  async function reutilisee(questionId: string, maison: string, dispositif: string, source: { publiee?: string; question?: string }): Promise<void> {
    await q(
      `INSERT INTO reponse_reutilisee (question_id, reponse_publiee_id, question_source_id, dispositif_id, maison_id, auteur_id, reutilisee_le)
       VALUES ($1, $2, $3, $4, $5, $6, '2026-11-20T10:00:00Z')`,
      [questionId, source.publiee ?? null, source.question ?? null, ids[dispositif], ids[maison], ids.agent],
    );
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_tdb_capitalisation');
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

    const e1 = await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-03T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-10T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-30T23:30:00+01:00', escaladee: true });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-10-31T23:30:00+01:00', escaladee: true });
    await question({ dispositif: 'eceau', maison: 'perpignan', at: '2026-11-12T09:00:00+01:00', escaladee: true });
    const l1 = await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-20T09:00:00+01:00', reponse: 'Oui.' });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-21T09:00:00+01:00', reponse: 'Non.', statut: 'close' });
    const l3 = await question({ dispositif: 'eceau', maison: 'perpignan', at: '2026-11-22T09:00:00+01:00', reponse: 'Voir la FAQ.' });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-23T09:00:00+01:00' });
    await question({ dispositif: 'eceau', maison: 'carcassonne', at: '2026-11-24T09:00:00+01:00', statut: 'close' });
    const p1 = await publiee({ dispositif: 'eceau', at: '2026-11-15T10:00:00+01:00', source: e1 });
    await publiee({ dispositif: 'eceau', at: '2026-11-16T10:00:00+01:00' });
    await publiee({ dispositif: 'eceau', at: '2026-11-17T10:00:00+01:00', retiree: true });
    await publiee({ dispositif: 'eceau', at: '2026-10-17T10:00:00+01:00' });
    await reutilisee(l1, 'carcassonne', 'eceau', { publiee: p1 });
    await reutilisee(l3, 'perpignan', 'eceau', { question: e1 });

    await question({ dispositif: 'pass', maison: 'perpignan', at: '2026-11-05T09:00:00+01:00', escaladee: true });
    await question({ dispositif: 'pass', maison: 'perpignan', at: '2026-11-06T09:00:00+01:00', escaladee: true });

    await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-11-07T09:00:00+01:00', escaladee: true });
    const c2 = await question({ dispositif: 'carte', maison: 'perpignan', at: '2026-11-08T09:00:00+01:00', reponse: 'Oui.' });
    const pc = await publiee({ dispositif: 'carte', at: '2026-11-09T10:00:00+01:00' });
    await reutilisee(c2, 'perpignan', 'carte', { publiee: pc });

    await question({ dispositif: null, maison: 'perpignan', at: '2026-11-09T09:00:00+01:00', escaladee: true });

    api = await TestApi.start({ config: { DATABASE_URL: scratch.url }, clock });
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  const chiffres = (escalations: number, reponsesPubliees: number, reponsesLocales: number, reutilisations: number, tauxCapitalisationPct: number | null, tauxReutilisationPct: number | null) => ({
    escalations,
    reponsesPubliees,
    reponsesLocales,
    reutilisations,
    tauxCapitalisationPct,
    tauxReutilisationPct,
  });

  it('the network: per dispositif, most escalated first, and the totals', async () => {
    const res = await get('manager.reseau@relais.demo', NOV);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ perimetre: { type: 'reseau', id: null }, du: '2026-11-01', au: '2026-11-30' });
    expect(res.body.dispositifs).toEqual([
      { dispositifId: ids.eceau, libelle: "Ec'Eau Tourisme", ...chiffres(4, 2, 3, 2, 50, 28.6) },
      { dispositifId: ids.pass, libelle: 'Pass Tourisme', ...chiffres(2, 0, 0, 0, 0, 0) },
      { dispositifId: ids.carte, libelle: expect.any(String), ...chiffres(1, 1, 1, 1, 100, 50) },
      { dispositifId: null, libelle: 'Sans dispositif', ...chiffres(1, 0, 0, 0, 0, 0) },
    ]);
    expect(res.body.total).toEqual(chiffres(8, 3, 4, 3, 37.5, 25));
  });

  it('a direction sees its dispositifs; a référent their direction’s; an MdR its questions and the answers published from them', async () => {
    const tourisme = await get('manager.tourisme@relais.demo', NOV);
    expect(tourisme.status).toBe(200);
    expect(tourisme.body.perimetre).toMatchObject({ type: 'direction', id: ids.tourisme });
    expect(tourisme.body.dispositifs.map((d: any) => d.dispositifId)).toEqual([ids.eceau, ids.pass]);
    expect(tourisme.body.total).toEqual(chiffres(6, 2, 3, 2, 33.3, 22.2));
    const referent = await get('referent.tourisme@relais.demo', NOV);
    expect(referent.status).toBe(200);
    expect(referent.body.total).toEqual(tourisme.body.total);

    const carcassonne = await get('responsable.carcassonne@relais.demo', NOV);
    expect(carcassonne.status).toBe(200);
    expect(carcassonne.body.dispositifs).toEqual([{ dispositifId: ids.eceau, libelle: "Ec'Eau Tourisme", ...chiffres(3, 1, 2, 1, 33.3, 20) }]);
    expect(carcassonne.body.total).toEqual(chiffres(3, 1, 2, 1, 33.3, 20));
  });

  it('is refused to an MdR agent and outside one’s perimeter (403), unknown perimeter 404, bad dates 400', async () => {
    expect((await get('agent.carcassonne@relais.demo', NOV)).status).toBe(403);
    expect((await get('agent.carcassonne@relais.demo', NOV, { accept: 'text/csv' })).status).toBe(403);
    expect((await get('manager.def@relais.demo', `perimetre=direction:${ids.tourisme}`)).status).toBe(403);
    expect((await get('responsable.carcassonne@relais.demo', `perimetre=maison:${ids.perpignan}`)).status).toBe(403);
    expect((await get('manager.reseau@relais.demo', `perimetre=direction:${randomUUID()}`)).status).toBe(404);
    const bad = await get('manager.reseau@relais.demo', 'du=2026-11-30&au=2026-11-01');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('du');
    expect((await get('manager.reseau@relais.demo', 'perimetre=tout')).status).toBe(400);
  });

  it('by default, the last 91 days up to today', async () => {
    const res = await get('manager.reseau@relais.demo');
    expect(res.body).toMatchObject({ du: '2026-09-03', au: '2026-12-02' });
    // October's escalation and answer now count too.
    expect(res.body.total).toMatchObject({ escalations: 9, reponsesPubliees: 4 });
  });

  it('exports the same figures as a French spreadsheet (text/csv)', async () => {
    const res = await get('manager.reseau@relais.demo', NOV, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="relais-capitalisation-reseau-2026-11-01-2026-11-30.csv"');
    const lines = res.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Section;Dispositif;Escalades;Réponses publiées;Réponses au guichet;dont par réutilisation;Taux de capitalisation (%);Taux de réutilisation (%)');
    expect(lines[1]).toBe("Dispositif;Ec'Eau Tourisme;4;2;3;2;50;28,6");
    expect(lines.at(-1)).toBe('Total;Réseau des Maisons de la Région du 2026-11-01 au 2026-11-30;8;3;4;3;37,5;25');
  });
});
