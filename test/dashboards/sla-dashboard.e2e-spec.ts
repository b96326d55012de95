import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { rebuildDashboardAggregates, SlaRollup } from '@app/dashboards';
import { CalendarRegistry } from '@app/sla';
import { Redis } from 'ioredis';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { TestApi } from '../setup/e2e-app';
import { testConfig, testRedisUrl } from '../setup/test-env';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { loadDataset, NOW, Units, units } from './dashboard-dataset';

/**
 * The SLA dashboard against the hand-built dataset of dashboard-dataset.ts: every expected
 * figure below is worked out by hand from those rows (period 2–22 November, now 25 November).
 */
describe('SLA dashboard', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let u: Units;
  const clock = new ManualClock(NOW);
  const periode = 'du=2026-11-02&au=2026-11-22';

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_tdb_sla');
    await seedDemoData(scratch.dataSource);
    u = await units(scratch.dataSource);
    await loadDataset(scratch.dataSource, u);
    await rebuildDashboardAggregates(scratch.dataSource);
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url }, clock });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  const get = async (email: string, query: string, headers: Record<string, string> = {}) => {
    const token = await api.login(email);
    return api.request('GET', `/api/v1/tableaux-de-bord/sla?${query}`, { token, headers });
  };
  const line = (lines: any[], id: string | null) => lines.find((l) => l.id === id);

  it('the network view: now, compliance, delays, holders, trend and every breakdown, as worked out by hand', async () => {
    const res = await get('manager.reseau@relais.demo', periode);
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t).toMatchObject({ perimetre: { type: 'reseau', id: null }, flux: 'question', du: '2026-11-02', au: '2026-11-22', referentId: null });
    expect(t.donneesPeriodeA).not.toBeNull();

    // Now: Q3, Q4, Q5, Q6 open (Q7 was answered by the MdR); Q4 breached; Q3 and Q5 past their warning; Q6 paused.
    expect(t.maintenant).toMatchObject({ ouverts: 4, aRisque: 2, depasses: 1 });
    // Ages on an always-open calendar: Q5 today, Q3 8 days, Q6 13, Q4 20.
    expect(t.maintenant.anciennete.map((a: any) => [a.tranche, a.ouverts])).toEqual([
      ['moins_1', 1],
      ['de_1_a_3', 0],
      ['de_3_a_5', 0],
      ['de_5_a_10', 1],
      ['plus_de_10', 2],
    ]);

    // Met in the period: claims Q1 Q2 Q3(late) Q4c1 Q4c2 Q6; answers Q1 Q2 Q3(late) Q4c1; relays Q1(breached then met) Q2 Q4c1.
    expect(t.conformite).toEqual([
      { horloge: 'prise_en_charge', termines: 6, aTemps: 5, tauxPct: 83.3 },
      { horloge: 'relais', termines: 3, aTemps: 2, tauxPct: 66.7 },
      { horloge: 'reponse', termines: 4, aTemps: 3, tauxPct: 75 },
    ]);
    // Claims 15, 30, 60, 60, 60, 480: the median falls in the [60, 90) class, 1 of its 3 in → 70;
    // p90 in the last used class [480, …), bounded by the largest (480). The true median, 60, is in the same class.
    expect(t.delais.premiereReponse).toEqual({ horloge: 'prise_en_charge', termines: 6, medianeMinutesOuvrees: 70, p90MinutesOuvrees: 480 });
    // Answers 120, 240, 240, 1440: median in [240, 300), 1 of 2 → 270; p90 → 1440.
    expect(t.delais.resolution).toEqual({ horloge: 'reponse', termines: 4, medianeMinutesOuvrees: 270, p90MinutesOuvrees: 1440 });

    // Held time of the answers and relays met: the siège 240 + (1680 − 1440 paused) + 1440 + 120; the usager the 1440 of Q2's pause.
    expect(t.tempsParDetenteur).toEqual({ maison: 1380, siege: 2040, usager: 1440, cabinet: 0 });

    expect(t.tendance).toEqual([
      { semaine: '2026-11-02', termines: 7, aTemps: 6, tauxPct: 85.7 },
      { semaine: '2026-11-09', termines: 4, aTemps: 4, tauxPct: 100 },
      { semaine: '2026-11-16', termines: 2, aTemps: 0, tauxPct: 0 },
    ]);

    const { directions, maisons, referents } = t.repartition;
    expect(line(directions, u.tourisme)).toMatchObject({ ouverts: 2, aRisque: 1, depasses: 0, termines: 7, aTemps: 6, tauxPct: 85.7, medianeResolutionMinutesOuvrees: 240 });
    expect(line(directions, u.def)).toMatchObject({ ouverts: 2, aRisque: 1, depasses: 1, termines: 6, aTemps: 4, tauxPct: 66.7 });
    expect(line(directions, u.def).libelle).toBeTruthy();
    expect(directions).toHaveLength(2);
    expect(line(maisons, u.carcassonne)).toMatchObject({ ouverts: 2, aRisque: 2, depasses: 0, termines: 5, aTemps: 2, tauxPct: 40 });
    expect(line(maisons, u.foix)).toMatchObject({ ouverts: 2, aRisque: 0, depasses: 1, termines: 8, aTemps: 8, tauxPct: 100 });
    expect(line(referents, u.referentTourisme)).toMatchObject({ ouverts: 1, termines: 4, aTemps: 3, tauxPct: 75 });
    expect(line(referents, u.referent2Tourisme)).toMatchObject({ ouverts: 0, termines: 3, aTemps: 3 });
    expect(line(referents, u.referentDef)).toMatchObject({ ouverts: 2, aRisque: 1, depasses: 1, termines: 6, aTemps: 4 });
    expect(line(referents, null)).toMatchObject({ libelle: 'Non prise en charge', ouverts: 1, aRisque: 1, termines: 0, tauxPct: null });
    // The most breached first.
    expect(referents[0].id).toBe(u.referentDef);
  });

  it('a direction manager sees their direction; a référent their own line; the head of an MdR their MdR', async () => {
    const direction = (await get('manager.tourisme@relais.demo', periode)).body;
    expect(direction.perimetre).toMatchObject({ type: 'direction', id: u.tourisme });
    expect(direction.maintenant).toMatchObject({ ouverts: 2, aRisque: 1, depasses: 0 });
    expect(direction.conformite).toEqual([
      { horloge: 'prise_en_charge', termines: 3, aTemps: 3, tauxPct: 100 },
      { horloge: 'relais', termines: 2, aTemps: 1, tauxPct: 50 },
      { horloge: 'reponse', termines: 2, aTemps: 2, tauxPct: 100 },
    ]);
    expect(direction.repartition.directions.map((l: any) => l.id)).toEqual([u.tourisme]);

    const referent = (await get('referent.tourisme@relais.demo', periode)).body;
    expect(referent.referentId).toBe(u.referentTourisme);
    expect(referent.maintenant).toMatchObject({ ouverts: 1, aRisque: 0, depasses: 0 });
    expect(referent.conformite.map((c: any) => [c.horloge, c.termines])).toEqual([
      ['prise_en_charge', 2],
      ['relais', 1],
      ['reponse', 1],
    ]);
    expect(referent.repartition.referents.map((l: any) => l.id)).toEqual([u.referentTourisme]);

    const maison = (await get('responsable.carcassonne@relais.demo', periode)).body;
    expect(maison.perimetre).toMatchObject({ type: 'maison', id: u.carcassonne });
    expect(maison.maintenant).toMatchObject({ ouverts: 2, aRisque: 2, depasses: 0 });
    expect(maison.repartition.maisons.map((l: any) => l.id)).toEqual([u.carcassonne]);
  });

  it('another perimeter is 403 (JSON and CSV alike), an unknown one 404, an agent 403, bad parameters 400 naming the field', async () => {
    for (const accept of ['application/json', 'text/csv']) {
      const other = await get('manager.tourisme@relais.demo', `perimetre=direction:${u.def}&${periode}`, { accept });
      expect(other.status).toBe(403);
      expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(other.body.detail ?? other.body.title).toMatch(/hors de votre périmètre/);
    }
    expect((await get('manager.tourisme@relais.demo', 'perimetre=reseau')).status).toBe(403);
    expect((await get('referent.tourisme@relais.demo', `perimetre=maison:${u.foix}`)).status).toBe(403);
    expect((await get('responsable.carcassonne@relais.demo', `perimetre=maison:${u.foix}`)).status).toBe(403);
    expect((await get('agent.carcassonne@relais.demo', '')).status).toBe(403);
    expect((await get('manager.reseau@relais.demo', 'perimetre=direction:00000000-0000-4000-8000-000000000000')).status).toBe(404);

    const bad = async (query: string, field: string) => {
      const res = await get('manager.reseau@relais.demo', query);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    };
    await bad('perimetre=direction', 'perimetre');
    await bad('du=2026-13-01', 'du');
    await bad('du=2026-02-30', 'du');
    await bad('du=2026-11-22&au=2026-11-02', 'du');
    await bad('flux=usager', 'flux');
  });

  it('exports the same figures as CSV for a spreadsheet: BOM, semicolons, French columns and decimal commas', async () => {
    const res = await get('manager.reseau@relais.demo', periode, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    // The file name says the flux, as the sheet does.
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="relais-sla-question-reseau-2026-11-02-2026-11-22\.csv"/);
    const bytes = Buffer.from(await (await fetch(`${api.baseUrl}/api/v1/tableaux-de-bord/sla?${periode}`, {
      headers: { accept: 'text/csv', authorization: `Bearer ${await api.login('manager.reseau@relais.demo')}` },
    })).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Section;Libellé;Questions ouvertes;dont à risque;dont dépassées;Horloges terminées sur la période;dont dans les délais;Conformité (%);Médiane de résolution (minutes ouvrées);Temps détenu (minutes ouvrées)',
    );
    expect(lines[1]).toBe('Flux;Questions;;;;;;;;');
    const json = (await get('manager.reseau@relais.demo', periode)).body;
    const paris = (iso: string) => `${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso))} (heure de Paris)`;
    expect(lines[2]).toBe(`Chiffres de la période à jour au;${paris(json.donneesPeriodeA)};;;;;;;;`);
    expect(lines[3]).toBe(`Chiffres « ouverts » lus le;${paris(NOW.toISOString())};;;;;;;;`);
    // Total: 13 clocks met, 10 on time → 76,9 %.
    expect(lines[4]).toBe('Total;Réseau des Maisons de la Région du 2026-11-02 au 2026-11-22;4;2;1;13;10;76,9;270;');
    const direction = lines.find((l) => l.startsWith('Direction;') && l.endsWith(';7;6;85,7;240;'));
    expect(direction).toBeDefined();
    expect(lines).toContain('Semaine;Semaine du 2026-11-09;;;;4;4;100;;');
    // Held minutes in their own column, never under the open questions.
    expect(lines).toContain('Temps par détenteur;En attente de l’usager;;;;;;;;1440');
    expect(lines).toContain('Temps par détenteur;Siège;;;;;;;;2040');

    const commandes = await get('manager.reseau@relais.demo', `flux=commande&${periode}`, { accept: 'text/csv' });
    expect(commandes.headers.get('content-disposition')).toMatch(/filename="relais-sla-commande-reseau-2026-11-02-2026-11-22\.csv"/);
    const commandeLines = commandes.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(commandeLines[0]).toMatch(/^Section;Libellé;Affectations ouvertes;/);
    expect(commandeLines[1]).toBe('Flux;Commandes (par affectation);;;;;;;;');
  });

  it('the rebuild is idempotent, and the periodic refresh recomputes yesterday and today only', async () => {
    const snapshot = () => scratch.dataSource.query(`SELECT * FROM tdb_sla_jour ORDER BY flux, jour, maison_id, direction_id, referent_id, horloge`);
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);
    await rebuildDashboardAggregates(scratch.dataSource);
    expect(await snapshot()).toEqual(before);

    // A claim met today appears after the periodic refresh, alone of its day.
    await scratch.dataSource.query(
      `UPDATE sla_horloge SET etat = 'met', atteinte_a = $1, consomme_minutes = 300, segment_depuis = NULL
        WHERE ticket_id = (SELECT id FROM question WHERE objet = 'Q5') AND horloge = 'prise_en_charge'`,
      [NOW],
    );
    const rollup = new SlaRollup(scratch.dataSource, new CalendarRegistry(), clock);
    expect(await rollup.rafraichir()).toEqual({ jours: 2, lignes: 1 });
    const today = await get('manager.reseau@relais.demo', 'du=2026-11-25&au=2026-11-25');
    expect(today.body.conformite).toEqual([{ horloge: 'prise_en_charge', termines: 1, aTemps: 1, tauxPct: 100 }]);
    // Older days were left as they were.
    expect((await snapshot()).filter((r: any) => r.jour < '2026-11-24')).toEqual(before.filter((r: any) => r.jour < '2026-11-24'));
  });

  it('the worker refreshes the roll-up on its maintenance queue every DASHBOARD_REFRESH_MS', async () => {
    await scratch.dataSource.query(`DELETE FROM tdb_rafraichissement`);
    const worker = await createWorkerApp(
      testConfig({ DATABASE_URL: scratch.url, REDIS_URL: testRedisUrl(13), QUEUE_PREFIX: 'relais-test-tdb-worker', DASHBOARD_REFRESH_MS: '1000' }),
    );
    try {
      const deadline = Date.now() + 15_000;
      let rows: Array<{ a: Date }> = [];
      while (rows.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        rows = await scratch.dataSource.query(`SELECT a FROM tdb_rafraichissement WHERE id = 'sla'`);
      }
      expect(rows).toHaveLength(1);
    } finally {
      await worker.close();
      const redis = new Redis(testRedisUrl(13));
      await redis.flushdb();
      redis.disconnect();
    }
  }, 30_000);
});
