import { AuthContext, ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { COLONNES_SOMMEES, GetTableauSlaHandler, GetTableauSlaQuery, niveauxDe, rebuildDashboardAggregates, SlaRollup, TableauSla } from '@app/dashboards';
import { CalendarRegistry } from '@app/sla';
import { DataSource } from 'typeorm';
import { seedVolume } from '../../apps/worker/src/volume/seed-volume';
import { TestApi } from '../setup/e2e-app';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

/** "Now" of the generated history: Sunday 1 November 2026, 10:00 in Paris, the morning after a month's end. */
const NOW = new Date('2026-11-01T09:00:00Z');

/** The dashboard as it read before the monthly level: every day from tdb_sla_jour. */
class ReferenceJournaliere extends GetTableauSlaHandler {
  protected readonly niveauMensuel = false;
}

/** A small deterministic PRNG (mulberry32): the random periods are the same at every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const jour = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The monthly and weekly levels of the SLA roll-up (ADR 0025) give the dashboard exactly the figures the
 * daily level alone gives, for periods across month edges, DST changes (29 March and 25 October
 * 2026, 30 March and 26 October 2025) and year edges, for every perimeter: on 24 months of
 * generated question lives (seed:volume), after a rebuild, after live clocks met on both sides
 * of a month's end (Paris midnight, not UTC), and after concurrent refreshes.
 */
describe('SLA dashboard: the monthly level of the roll-up', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  const clock = new ManualClock(NOW);
  let mensuel: GetTableauSlaHandler;
  let journalier: GetTableauSlaHandler;
  const lecteurs: Array<{ nom: string; ctx: AuthContext; perimetre?: string }> = [];

  const periodes: Array<[string, string]> = [
    ['2025-11-02', '2026-11-01'], // twelve months up to today: partial months at both ends
    ['2024-11-01', '2026-10-31'], // 731 days, whole months only
    ['2025-12-15', '2026-01-15'], // a year's edge, no whole month
    ['2025-12-01', '2026-01-31'], // two whole months across a year's edge
    ['2025-11-30', '2026-02-01'], // a day, two whole months, a day
    ['2026-03-01', '2026-03-31'], // the month of the spring DST change
    ['2026-03-28', '2026-04-02'], // across it, no whole month
    ['2025-10-20', '2026-04-05'], // both DST changes of a winter
    ['2026-10-01', '2026-11-01'], // October (autumn DST change) and today
    ['2026-10-31', '2026-11-01'], // the month's end and the live events on both sides of it
    ['2026-02-28', '2026-03-01'], // two days, two months
  ];

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_tdb_mois');
    const ds = scratch.dataSource;
    await seedDemoData(ds);
    await seedVolume(scratch.ownerUrl, { questions: 3_000, seed: 11, now: NOW, batchSize: 1_000, append: false, log: () => undefined });
    await rebuildDashboardAggregates(ds);
    mensuel = new GetTableauSlaHandler(ds, new CalendarRegistry(), clock);
    journalier = new ReferenceJournaliere(ds, new CalendarRegistry(), clock);

    const user = async (email: string) => (await ds.query(`SELECT id, display_name, role, maison_id, direction_id FROM users WHERE email = $1`, [email]))[0];
    const ctx = (u: any, perimetre: AuthContext['perimetre']): AuthContext => ({
      userId: u.id, email: '', displayName: u.display_name, role: u.role, perimetre, maisonId: u.maison_id, directionId: u.direction_id,
    });
    const manager = await user('manager.reseau@relais.demo');
    lecteurs.push({ nom: 'réseau', ctx: ctx(manager, 'reseau') });
    // The busiest direction and MdR of the generated history, and a référent of that direction.
    const [d] = await ds.query(`SELECT direction_id AS id FROM tdb_sla_jour WHERE flux = 'question' GROUP BY 1 ORDER BY sum(termines) DESC LIMIT 1`);
    const [m] = await ds.query(`SELECT maison_id AS id FROM tdb_sla_jour WHERE flux = 'question' GROUP BY 1 ORDER BY sum(termines) DESC LIMIT 1`);
    lecteurs.push({ nom: 'direction', ctx: ctx(manager, 'reseau'), perimetre: `direction:${d.id}` });
    lecteurs.push({ nom: 'maison', ctx: ctx(manager, 'reseau'), perimetre: `maison:${m.id}` });
    const [r] = await ds.query(
      `SELECT u.id, u.display_name, u.role, u.maison_id, u.direction_id FROM users u JOIN tdb_sla_jour t ON t.referent_id = u.id
        WHERE u.role = 'referent' GROUP BY u.id ORDER BY sum(t.termines) DESC LIMIT 1`,
    );
    lecteurs.push({ nom: 'référent', ctx: ctx(r, 'direction') });

    // Random periods too, inside the generated history.
    const rnd = prng(2026);
    for (let i = 0; i < 8; i++) {
      const du = new Date(Date.UTC(2024, 10, 2) + Math.floor(rnd() * 700) * 86_400_000);
      const au = new Date(Math.min(du.getTime() + Math.floor(rnd() * 400) * 86_400_000, NOW.getTime()));
      periodes.push([jour(du), jour(au)]);
    }
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url }, clock });
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  /** Every figure of every perimeter and period, both fluxes, read from the two levels and from the daily one alone. */
  async function memesReponses(): Promise<number> {
    let comparees = 0;
    for (const [du, au] of periodes) {
      for (const l of lecteurs) {
        for (const flux of ['question', 'commande'] as const) {
          const q = new GetTableauSlaQuery(l.ctx, { perimetre: l.perimetre, du, au, flux });
          const [a, b] = await Promise.all([mensuel.execute(q), journalier.execute(q)]);
          expect({ periode: `${du} ${au} ${l.nom} ${flux}`, ...a }).toEqual({ periode: `${du} ${au} ${l.nom} ${flux}`, ...b });
          comparees += 1;
        }
      }
    }
    return comparees;
  }

  /** The monthly level is exactly the daily level summed per local month (no month missing, none extra; minutes to 1e-6: float sums depend on their order). */
  async function niveauxCoherents(): Promise<void> {
    const cle = `flux, maison_id, direction_id, referent_id, horloge`;
    const ecarts = await scratch.dataSource.query(
      `WITH j AS (SELECT ${cle}, date_trunc('month', jour)::date AS mois, max(minutes_max) AS minutes_max, ${COLONNES_SOMMEES.map((c) => `round(sum(${c})::numeric, 6) AS ${c}`).join(', ')}
                    FROM tdb_sla_jour GROUP BY ${cle}, date_trunc('month', jour)),
            m AS (SELECT ${cle}, mois, minutes_max, ${COLONNES_SOMMEES.map((c) => `round(${c}::numeric, 6)`).join(', ')} FROM tdb_sla_mois)
       SELECT count(*)::int AS n FROM ((TABLE j EXCEPT ALL TABLE m) UNION ALL (TABLE m EXCEPT ALL TABLE j)) x`,
    );
    expect(ecarts).toEqual([{ n: 0 }]);
    const cleS = `flux, maison_id, direction_id, referent_id`;
    const ecartsSemaines = await scratch.dataSource.query(
      `WITH j AS (SELECT ${cleS}, date_trunc('week', jour)::date AS semaine, sum(termines)::int AS termines, sum(a_temps)::int AS a_temps FROM tdb_sla_jour GROUP BY ${cleS}, date_trunc('week', jour)),
            s AS (SELECT ${cleS}, semaine, termines, a_temps FROM tdb_sla_semaine)
       SELECT count(*)::int AS n FROM ((TABLE j EXCEPT ALL TABLE s) UNION ALL (TABLE s EXCEPT ALL TABLE j)) x`,
    );
    expect(ecartsSemaines).toEqual([{ n: 0 }]);
  }

  /** Every row of the three levels; minutes to 1e-6 (a float sum depends on its order). */
  const snapshot = async () => {
    const rows = async (sql: string) =>
      ((await scratch.dataSource.query(sql)) as Array<Record<string, unknown>>).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v])),
      );
    return {
      jour: await rows(`SELECT * FROM tdb_sla_jour ORDER BY flux, jour, maison_id, direction_id, referent_id, horloge`),
      mois: await rows(`SELECT * FROM tdb_sla_mois ORDER BY flux, mois, maison_id, direction_id, referent_id, horloge`),
      semaine: await rows(`SELECT * FROM tdb_sla_semaine ORDER BY flux, semaine, maison_id, direction_id, referent_id`),
    };
  };

  it('after a rebuild: the monthly level sums the daily one, and every period and perimeter reads the same figures from both', async () => {
    const [{ mois, jours }] = await scratch.dataSource.query(`SELECT (SELECT count(DISTINCT mois)::int FROM tdb_sla_mois) AS mois, (SELECT count(DISTINCT jour)::int FROM tdb_sla_jour) AS jours`);
    expect(mois).toBeGreaterThanOrEqual(24);
    expect(jours).toBeGreaterThan(450);
    await niveauxCoherents();
    // Not vacuous: the long periods do read whole months.
    expect(niveauxDe({ du: '2025-11-02', au: '2026-11-01' }).mois).toEqual({ du: '2025-12-01', au: '2026-10-01' });
    const reseau = await mensuel.execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2025-11-02', au: '2026-11-01' }));
    expect(reseau.conformite.reduce((a, c) => a + c.termines, 0)).toBeGreaterThan(1_000);
    expect(await memesReponses()).toBe(periodes.length * lecteurs.length * 2);
  }, 120_000);

  it('after live clocks met on both sides of Paris midnight at a month’s end, refreshed by the worker’s path: both levels move together', async () => {
    const ds = scratch.dataSource;
    const avant = (await mensuel.execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2026-10-01', au: '2026-11-01' }))) as TableauSla;
    // 23:30 on 31 October in Paris is 22:30 UTC (CET since the 25th); 00:30 on 1 November is 23:30 UTC the same UTC day.
    const met = async (at: string, n: number, late: boolean) =>
      (
        await ds.query(
          `UPDATE sla_horloge SET etat = 'met', atteinte_a = $1, consomme_minutes = 45, segment_depuis = NULL, depassee_a = CASE WHEN $3 THEN $1::timestamptz END
            WHERE id IN (SELECT id FROM sla_horloge WHERE etat = 'running' AND ticket_type = 'question' ORDER BY id LIMIT $2) RETURNING 1`,
          [at, n, late],
        )
      )[1] as number;
    expect(await met('2026-10-31T22:30:00Z', 5, false)).toBe(5);
    expect(await met('2026-10-31T23:30:00Z', 3, true)).toBe(3);
    clock.set('2026-11-01T09:30:00Z');
    const rollup = new SlaRollup(ds, new CalendarRegistry(), clock);
    expect((await rollup.rafraichir()).jours).toBe(2);
    await niveauxCoherents();

    const apres = await mensuel.execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2026-10-01', au: '2026-11-01' }));
    const total = (t: TableauSla) => t.conformite.reduce((a, c) => a + c.termines, 0);
    expect(total(apres) - total(avant)).toBe(8);
    // October (whole month, monthly level) got the five met before midnight; 1 November (a day) the three after.
    const octobre = await mensuel.execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2026-10-01', au: '2026-10-31' }));
    const novembre = await mensuel.execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2026-11-01', au: '2026-11-01' }));
    expect(total(octobre) + total(novembre)).toBe(total(apres));
    expect(novembre.conformite.reduce((a, c) => a + c.termines - c.aTemps, 0)).toBeGreaterThanOrEqual(3);
    expect(await memesReponses()).toBe(periodes.length * lecteurs.length * 2);

    // The same days seen through the API.
    const token = await api.login('manager.reseau@relais.demo');
    const res = await api.request('GET', `/api/v1/tableaux-de-bord/sla?du=2026-10-01&au=2026-11-01`, { token });
    expect(res.status).toBe(200);
    expect({ ...res.body, genereA: null }).toEqual(JSON.parse(JSON.stringify({ ...apres, genereA: null })));
  }, 120_000);

  it('concurrent refreshes and a rebuild leave both levels as the live path left them (idempotent, never interleaved)', async () => {
    const ds = scratch.dataSource;
    const avant = await snapshot();
    const rollup = new SlaRollup(ds, new CalendarRegistry(), clock);
    await Promise.all([rollup.rafraichir(), rollup.rafraichir(), rollup.recalculer(['2026-10-30', '2026-10-31']), rollup.rafraichir()]);
    expect(await snapshot()).toEqual(avant);
    await rebuildDashboardAggregates(ds);
    expect(await snapshot()).toEqual(avant);
    await niveauxCoherents();
    expect(await memesReponses()).toBe(periodes.length * lecteurs.length * 2);
  }, 120_000);

  it('plans: a 12-month view reads its whole months and weeks from their levels, the daily level for the edge days only', async () => {
    const plans: PlanNode[] = [];
    const ds = scratch.dataSource;
    const explain = explaining(ds, plans, /tdb_sla_(jour|mois|semaine)/);
    // The handler queries through dataSource.manager: route that one to the plan recorder too.
    const proxied = new Proxy(ds, {
      get: (target, prop) =>
        prop === 'manager'
          ? new Proxy(target.manager, { get: (m, p) => (p === 'query' ? (sql: string, params: unknown[]) => explain.query(sql, params) : Reflect.get(m, p)) })
          : Reflect.get(target, prop),
    }) as DataSource;
    await new GetTableauSlaHandler(proxied, new CalendarRegistry(), clock).execute(new GetTableauSlaQuery(lecteurs[0].ctx, { du: '2025-11-02', au: '2026-11-01' }));
    const relations = plans.map((plan) => [...new Set(nodes(plan).map((n) => n['Relation Name']).filter(Boolean))].sort());
    expect(relations.sort()).toEqual([
      ['tdb_sla_jour', 'tdb_sla_mois'],
      ['tdb_sla_jour', 'tdb_sla_semaine'],
    ]);
    for (const n of plans.flatMap(nodes).filter((x) => x['Relation Name'] === 'tdb_sla_jour')) expect(JSON.stringify(n)).toMatch(/jour = ANY/);
  });
});
