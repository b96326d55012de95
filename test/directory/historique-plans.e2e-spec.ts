import { SystemClock } from '@app/core';
import { ListOrphelinsHandler, ReferentsHistoriqueHandler, seedDemoData, SuggestReferentHandler } from '@app/directory';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

const VOLUME = 200_000;

/**
 * The directory from history (ADR 0014) reads the questions' timeline: with a realistic volume
 * loaded and analysed (200,000 questions over three years, three in eight escalated and most of
 * those answered: 450,000 timeline events), the very SQL its handlers send for
 * GET /dispositifs/{id}/referents-historique, GET /questions/{id}/suggestion-referent and
 * GET /dispositifs?orphelins=true must reach `question` and `timeline_event` through indexes:
 * no sequential scan of either.
 */
describe(`directory-from-history plans at ${VOLUME.toLocaleString('fr-FR')} questions`, () => {
  let scratch: ScratchDatabase;
  let dispositif: { id: string; direction_id: string; theme_id: string | null };
  const plans: PlanNode[] = [];
  const clock = new SystemClock();

  /** No sequential scan of the big tables, and each is read through an index. */
  function expectIndexed(plan: PlanNode) {
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && ['question', 'timeline_event'].includes(n['Relation Name'])).map((n) => n['Relation Name'])).toEqual([]);
    for (const table of ['question', 'timeline_event']) {
      expect(all.some((n) => /Index|Bitmap Heap/.test(n['Node Type']) && n['Relation Name'] === table)).toBe(true);
    }
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_historique_plans');
    const ds = scratch.dataSource;
    await seedDemoData(ds);
    [dispositif] = await ds.query(`SELECT id, direction_id, theme_id FROM dispositif WHERE code = 'eceau-tourisme'`);
    // Spread over every MdR and dispositif (~4,300 on this one), 3 years; g % 8 in 4..6 escalated
    // to the dispositif's direction, answered unless still open (g % 8 = 6).
    await ds.query(
      `WITH m AS (SELECT array_agg(id) a FROM maison),
            d AS (SELECT array_agg(id ORDER BY code) a, array_agg(direction_id ORDER BY code) dir FROM dispositif),
            u AS (SELECT id FROM users WHERE email = 'agent.carcassonne@relais.demo')
       INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, dispositif_id, direction_id, created_by, created_at, updated_at, escaladee_at, version)
       SELECT gen_random_uuid(), 'H-' || g, m.a[1 + g % array_length(m.a, 1)], 'Objet ' || g, 'Description', 'guichet', 'normale',
              (ARRAY['close','close','close','close','close','repondue','escaladee','recue'])[1 + g % 8],
              d.a[1 + g % array_length(d.a, 1)],
              CASE WHEN g % 8 IN (4,5,6) THEN d.dir[1 + g % array_length(d.a, 1)] END,
              u.id, now() - (g || ' minutes')::interval * 8, now(), CASE WHEN g % 8 IN (4,5,6) THEN now() - (g || ' minutes')::interval * 8 + interval '1 hour' END, 1
         FROM generate_series(1, ${VOLUME}) g, m, d, u`,
    );
    // What each direction held, as the escalation records it (the direction's list and the orphans read it).
    await ds.query(
      `INSERT INTO question_acces_direction (direction_id, question_created_at, question_id)
       SELECT direction_id, created_at, id FROM question WHERE direction_id IS NOT NULL`,
    );
    // Their timeline as the aggregate writes it: created, escalated, answered by one of the
    // owning direction's référents, closed (the chain's columns hold placeholders: plans do not read them).
    await ds.query(
      `INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, acteur_id, acteur_nom, acteur_role, visibilite, data, hash, previous_hash)
       SELECT gen_random_uuid(), 'question', q.id, e.seq, e.type, e.at, COALESCE(e.acteur, q.created_by), 'Acteur', 'agent', 'partage', '{}', repeat('a', 64),
              CASE WHEN e.seq > 1 THEN repeat('a', 64) END
         FROM question q
         LEFT JOIN LATERAL (SELECT user_id FROM referent WHERE direction_id = q.direction_id ORDER BY user_id OFFSET abs(hashtext(q.id::text)) % 3 LIMIT 1) r ON true
         CROSS JOIN LATERAL (VALUES (1, 'question.creee', q.created_at, NULL::uuid),
                                    (2, CASE WHEN q.escaladee_at IS NOT NULL THEN 'question.escaladee' END, q.escaladee_at, NULL),
                                    (3, CASE WHEN q.statut IN ('close', 'repondue') AND q.escaladee_at IS NOT NULL THEN 'question.repondue' END, q.escaladee_at + interval '5 hours', r.user_id),
                                    (4, CASE WHEN q.statut = 'close' THEN 'question.close' END, q.created_at + interval '2 days', NULL)) e(seq, type, at, acteur)
        WHERE e.type IS NOT NULL`,
    );
    // As the owner: ANALYZE skips, with a mere warning, the tables of someone else (the application's role).
    await scratch.ownerQuery(`VACUUM ANALYZE`);
  }, 300_000);

  afterAll(() => scratch?.drop());

  /** The answers of the dispositif's questions: its questions by idx_question_dispositif, each one's answer by idx_timeline_event_reponse. */
  function expectAnswersByIndex(plan: PlanNode) {
    expectIndexed(plan);
    const indexes = nodes(plan).map((n) => n['Index Name']).filter(Boolean);
    expect(indexes).toEqual(expect.arrayContaining(['idx_question_dispositif', 'idx_timeline_event_reponse']));
  }

  it('GET /dispositifs/{id}/referents-historique: the dispositif’s questions, then their answers, by index', async () => {
    // The dispositif's own row is read for real (the handler stops without it); the history is explained.
    await new ReferentsHistoriqueHandler(explaining(scratch.dataSource, plans, /WITH reponses/), clock).execute({ dispositifId: dispositif.id, mois: 12 } as never);
    expect(plans).toHaveLength(1);
    expectAnswersByIndex(plans.pop()!);
    // The widest window the API accepts (36 months: every row generated) is served the same way.
    await new ReferentsHistoriqueHandler(explaining(scratch.dataSource, plans, /WITH reponses/), clock).execute({ dispositifId: dispositif.id, mois: 36 } as never);
    expectAnswersByIndex(plans.pop()!);
  });

  it('GET /questions/{id}/suggestion-referent: the same history, by index', async () => {
    const subject = { dispositifId: dispositif.id, themeId: dispositif.theme_id, directionId: dispositif.direction_id };
    await new SuggestReferentHandler(explaining(scratch.dataSource, plans, /WITH reponses/), clock).execute({ subject, mois: 12 } as never);
    expect(plans).toHaveLength(1);
    expectAnswersByIndex(plans.pop()!);
  });

  it('GET /dispositifs?orphelins=true: each candidate direction’s questions by what it held (question_acces_direction), their answers by idx_timeline_event_reponse', async () => {
    await new ListOrphelinsHandler(explaining(scratch.dataSource, plans), clock).execute({ semaines: 4 } as never);
    const plan = plans.pop()!;
    expectIndexed(plan);
    expect(nodes(plan).map((n) => n['Index Name']).filter(Boolean)).toEqual(expect.arrayContaining(['PK_51db8a111878163e51bc0b9f274', 'idx_timeline_event_reponse']));
  });
});
