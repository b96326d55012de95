import { AuthContext, SystemClock } from '@app/core';
import { decalerMois, GetJaugeAutonomieHandler, GetJaugeAutonomieQuery } from '@app/barometre';
import { seedDemoData } from '@app/directory';
import { CalendarRegistry } from '@app/sla';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

const VOLUME = 200_000;
const PUBLIEES = 20_000;

/**
 * The autonomy gauge (ADR 0021) with a realistic volume loaded and analysed (200,000 questions
 * over three years, three in eight escalated; 20,000 published answers, one in ten withdrawn):
 * the very SQL of GET /autonomie/jauge reads `question` through its date indexes (the network's
 * idx_question_created, an MdR's idx_question_maison_created) and probes the published answers
 * through idx_reponse_publiee_dispositif: no sequential scan of either table.
 */
describe(`autonomy gauge plans at ${VOLUME.toLocaleString('fr-FR')} questions`, () => {
  let scratch: ScratchDatabase;
  const plans: PlanNode[] = [];
  let manager: AuthContext;
  let responsable: AuthContext;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_autonomie_plans');
    const ds = scratch.dataSource;
    await seedDemoData(ds);
    await ds.query(
      `WITH m AS (SELECT array_agg(id) a FROM maison),
            d AS (SELECT array_agg(id ORDER BY code) a, array_agg(direction_id ORDER BY code) dir FROM dispositif),
            u AS (SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo')
       INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, dispositif_id, direction_id, reponse, created_by, created_at, updated_at, escaladee_at, version)
       SELECT gen_random_uuid(), 'A-' || g, m.a[1 + g % array_length(m.a, 1)], 'Objet ' || g, 'Description', 'guichet', 'normale',
              (ARRAY['close','close','repondue_localement','repondue_localement','escaladee','escaladee','escaladee','recue'])[1 + g % 8],
              d.a[1 + g % array_length(d.a, 1)],
              CASE WHEN g % 8 IN (4,5,6) THEN d.dir[1 + g % array_length(d.a, 1)] END,
              CASE WHEN g % 8 IN (0,1,2,3) THEN 'Réponse' END,
              u.id, now() - (g || ' minutes')::interval * 8, now(), CASE WHEN g % 8 IN (4,5,6) THEN now() - (g || ' minutes')::interval * 8 + interval '1 hour' END, 1
         FROM generate_series(1, ${VOLUME}) g, m, d, u`,
    );
    await ds.query(
      `WITH d AS (SELECT array_agg(id ORDER BY code) a FROM dispositif), u AS (SELECT id FROM users WHERE email = 'referent.tourisme@relais.demo')
       INSERT INTO reponse_publiee (id, dispositif_id, question, reponse, diffusion, auteur_id, publiee_le, retiree_le)
       SELECT gen_random_uuid(), d.a[1 + g % array_length(d.a, 1)], 'Question ' || g, 'Réponse', 'interne', u.id,
              now() - (g || ' minutes')::interval * 80, CASE WHEN g % 10 = 0 THEN now() END
         FROM generate_series(1, ${PUBLIEES}) g, d, u`,
    );
    await scratch.ownerQuery(`VACUUM ANALYZE`);
    const [m] = await ds.query(`SELECT id, display_name FROM users WHERE email = 'manager.reseau@relais.demo'`);
    manager = { userId: m.id, email: 'manager.reseau@relais.demo', displayName: m.display_name, role: 'manager', perimetre: 'reseau', maisonId: null, directionId: null };
    const [r] = await ds.query(`SELECT u.id, u.maison_id FROM users u WHERE email = 'responsable.carcassonne@relais.demo'`);
    responsable = { userId: r.id, email: 'responsable.carcassonne@relais.demo', displayName: 'Responsable', role: 'responsable_mdr', perimetre: 'maison', maisonId: r.maison_id, directionId: null };
  }, 300_000);

  afterAll(() => scratch?.drop());

  const handler = () => new GetJaugeAutonomieHandler(explaining(scratch.dataSource, plans, /reponse_publiee/), new CalendarRegistry(), new SystemClock());
  const ceMois = () => new Date().toISOString().slice(0, 7);

  function expectIndexed(plan: PlanNode, questionIndex: string) {
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && ['question', 'reponse_publiee'].includes(n['Relation Name'])).map((n) => n['Relation Name'])).toEqual([]);
    const indexes = all.map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toEqual(expect.arrayContaining([questionIndex, 'idx_reponse_publiee_dispositif']));
  }

  it('the network, a month and a quarter: the period’s questions by idx_question_created, the published answers by idx_reponse_publiee_dispositif', async () => {
    await handler().execute(new GetJaugeAutonomieQuery(manager, { mois: ceMois() }));
    expect(plans).toHaveLength(1);
    expectIndexed(plans.pop()!, 'idx_question_created');
    // A quarter (and the quarter before: the trend) still by index. A year and the year before
    // read two thirds of this table: a sequential scan is then the right plan.
    await handler().execute(new GetJaugeAutonomieQuery(manager, { du: decalerMois(ceMois(), -2), au: ceMois() }));
    expectIndexed(plans.pop()!, 'idx_question_created');
  });

  it('measured: the network’s month read for real', async () => {
    const real = new GetJaugeAutonomieHandler(scratch.dataSource, new CalendarRegistry(), new SystemClock());
    await real.execute(new GetJaugeAutonomieQuery(manager, { mois: ceMois() }));
    const started = performance.now();
    const jauge = await real.execute(new GetJaugeAutonomieQuery(manager, { mois: ceMois() }));
    const ms = performance.now() - started;
    expect(jauge.total.escaladees).toBeGreaterThan(0);
    expect(jauge.total.escaladeesAvecReponsePubliee).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000);
  });

  it('an MdR: its questions by idx_question_maison_created', async () => {
    await handler().execute(new GetJaugeAutonomieQuery(responsable, { mois: ceMois() }));
    expectIndexed(plans.pop()!, 'idx_question_maison_created');
  });
});
