import { AuthContext, SystemClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { FileReferentHandler, ListQuestionsHandler } from '@app/questions';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

const VOLUME = 200_000;

/**
 * GET /questions and the référent queue must stay fast at a million rows: with a realistic
 * volume loaded and analysed, their queries (the very SQL the handlers send) must be served by
 * an index in the right order — no sequential scan of `question`, no sort of the whole set.
 */
describe(`question list plans at ${VOLUME.toLocaleString('fr-FR')} questions`, () => {
  let scratch: ScratchDatabase;
  let ids: { maison: string; direction: string; referent: AuthContext; agent: AuthContext; manager: AuthContext };
  const plans: PlanNode[] = [];

  /** The page is empty under EXPLAIN: the view reader has nothing to decorate. */
  const viewsOf = () => ({ views: async () => [] }) as never;
  const clock = new SystemClock();

  /** The page of `question` rows comes from a LIMIT over an ordered index walk: nothing sorts the whole set. */
  function expectIndexOrdered(plan: any) {
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'question')).toEqual([]);
    const page = all.find((n) => n['Node Type'] === 'Limit' && nodes(n).some((c) => c['Relation Name'] === 'question'));
    expect(page).toBeDefined();
    const underLimit = nodes(page!);
    expect(underLimit.filter((n) => /Sort/.test(n['Node Type']))).toEqual([]);
    expect(underLimit.some((n) => /Index/.test(n['Node Type']) && n['Relation Name'] === 'question')).toBe(true);
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_plans');
    const ds = scratch.dataSource;
    await seedDemoData(ds);
    const [m] = await ds.query(`SELECT id FROM maison WHERE code = 'carcassonne'`);
    const [d] = await ds.query(`SELECT id FROM direction WHERE code = 'tourisme'`);
    const user = async (email: string): Promise<AuthContext> => {
      const [u] = await ds.query(`SELECT id, email, display_name, role, perimetre, maison_id, direction_id FROM users WHERE email = $1`, [email]);
      return { userId: u.id, email: u.email, displayName: u.display_name, role: u.role, perimetre: u.perimetre, maisonId: u.maison_id, directionId: u.direction_id };
    };
    ids = {
      maison: m.id,
      direction: d.id,
      referent: await user('referent.tourisme@relais.demo'),
      agent: await user('agent.carcassonne@relais.demo'),
      manager: await user('manager.reseau@relais.demo'),
    };
    // Spread over every MdR, direction and state, 3 years; about 1 in 8 still at the siège.
    await ds.query(
      `WITH m AS (SELECT array_agg(id) a FROM maison), d AS (SELECT array_agg(id) a FROM direction), u AS (SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo'),
            t AS (SELECT array_agg(id ORDER BY code) a FROM theme)
       INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, direction_id, created_by, created_at, updated_at, escaladee_at, version, theme_id)
       SELECT gen_random_uuid(), 'V-' || g, m.a[1 + g % array_length(m.a, 1)], 'Objet ' || g, 'Description', 'guichet', 'normale',
              (ARRAY['close','close','close','close','repondue','escaladee','prise_en_charge','recue'])[1 + g % 8],
              CASE WHEN g % 8 IN (4,5,6) THEN d.a[1 + g % array_length(d.a, 1)] END,
              u.id, now() - (g || ' minutes')::interval * 8, now(), CASE WHEN g % 8 IN (4,5,6) THEN now() - (g || ' minutes')::interval * 7 END, 1,
              t.a[1 + g % array_length(t.a, 1)]
         FROM generate_series(1, ${VOLUME}) g, m, d, u, t`,
    );
    await ds.query(
      `INSERT INTO question_detention (question_id, direction_id, depuis)
       SELECT id, direction_id, escaladee_at FROM question WHERE direction_id IS NOT NULL`,
    );
    await ds.query(
      `INSERT INTO question_acces_direction (direction_id, question_created_at, question_id)
       SELECT direction_id, created_at, id FROM question WHERE direction_id IS NOT NULL`,
    );
    // Two clocks for every question that went to the siège, as the SLA engine makes them.
    await ds.query(
      `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, cycle, etat, cible_minutes, seuil_pct, calendrier_id,
                                consomme_minutes, segment_depuis, echeance, generation, demarree_a)
       SELECT gen_random_uuid(), 'question', q.id, '00000000-0000-0000-0000-000000000000', k.horloge, 1,
              CASE WHEN q.statut IN ('escaladee', 'prise_en_charge') THEN 'running' ELSE 'met' END, 480, 75, 'siege',
              0, q.escaladee_at, q.escaladee_at + interval '2 days', 1, q.escaladee_at
         FROM question q, (VALUES ('prise_en_charge'), ('reponse')) k(horloge)
        WHERE q.escaladee_at IS NOT NULL`,
    );
    // As the owner: ANALYZE skips, with a mere warning, the tables of someone else (the application's role).
    await scratch.ownerQuery(`ANALYZE`);
  }, 120_000);

  afterAll(() => scratch?.drop());

  it('an MdR’s list, newest first, walks its index', async () => {
    await new ListQuestionsHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.agent, filter: {} } as never);
    expectIndexOrdered(plans.pop());
  });

  it('the network list, filtered by statut, walks an index', async () => {
    await new ListQuestionsHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.manager, filter: { statut: ['escaladee'] } } as never);
    expectIndexOrdered(plans.pop());
    await new ListQuestionsHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.manager, filter: {} } as never);
    expectIndexOrdered(plans.pop());
  });

  it('a direction’s list (what it holds or held) walks its access index', async () => {
    await new ListQuestionsHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.referent, filter: {} } as never);
    const plan = plans.pop()!;
    expect(nodes(plan).filter((n) => n['Node Type'] === 'Seq Scan' && /question/.test(n['Relation Name']))).toEqual([]);
    const page = nodes(plan).find((n) => n['Node Type'] === 'Limit');
    expect(page).toBeDefined();
    expect(nodes(page!).filter((n) => /Sort/.test(n['Node Type']))).toEqual([]);
    expect(nodes(page!).some((n) => /Index/.test(n['Node Type']) && n['Relation Name'] === 'question_acces_direction')).toBe(true);
  });

  it('the référent queue finds its open questions through the partial queue index, then sorts them by due date', async () => {
    await new FileReferentHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.referent, filter: {} } as never);
    const plan = plans.pop()!;
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && /question|sla_horloge/.test(n['Relation Name']))).toEqual([]);
    expect(all.some((n) => n['Index Name'] === 'idx_question_file')).toBe(true);
    expect(all.some((n) => /Index/.test(n['Node Type']) && n['Relation Name'] === 'sla_horloge')).toBe(true);
  });

  it('a correspondent Maison’s network list (its spécialisation’s thème, ADR 0018): both thème indexes, no sequential scan of question', async () => {
    await new ListQuestionsHandler(explaining(scratch.dataSource, plans), viewsOf(), clock).execute({ ctx: ids.agent, filter: { specialisation: true } } as never);
    const all = nodes(plans.pop()!);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'question')).toEqual([]);
    // The question's own thème and its dispositif's, each from its index (a bitmap OR), then a top-N sort of that thème's rows.
    const indexes = all.filter((n) => /Index/.test(n['Node Type'])).map((n) => n['Index Name']);
    expect(indexes).toEqual(expect.arrayContaining(['idx_question_theme_created', 'idx_question_dispositif']));
    // Measured on this volume (one thème ≈ 1/15 of the questions): reported, not a latency target.
    const started = process.hrtime.bigint();
    await new ListQuestionsHandler(scratch.dataSource, viewsOf(), clock).execute({ ctx: ids.agent, filter: { specialisation: true } } as never);
    // eslint-disable-next-line no-console
    console.log(`network list of a correspondent at ${VOLUME} questions: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  });
});
