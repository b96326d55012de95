import { SystemClock } from '@app/core';
import { BoiteNotifications } from '@app/notifications';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

const USERS = 100;
const PER_USER = 1000;

/**
 * The inbox must stay fast however long a user's history: with 100,000 notifications loaded
 * and analysed (a third unread), the very SQL the inbox sends takes each page from one of the
 * two partial indexes walked in order under LIMIT, and counts the unread ones on the first —
 * no sequential scan, no sort.
 */
describe(`inbox plans at ${(USERS * PER_USER).toLocaleString('fr-FR')} notifications`, () => {
  let scratch: ScratchDatabase;
  let user: string;
  const plans: PlanNode[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_inbox_plans');
    const [{ id }] = await scratch.dataSource.query(
      `WITH u AS (SELECT gen_random_uuid() AS id FROM generate_series(1, ${USERS})),
            n AS (INSERT INTO notification (id, destinataire_id, type, evenement_id, ticket_type, ticket_id, reference, titre, lien, creee_a, lue_a)
                  SELECT gen_random_uuid(), u.id, 'question_escaladee', gen_random_uuid(), 'question', gen_random_uuid(), 'Q-2026-' || g, 'Titre', '/questions/x',
                         now() - (g || ' minutes')::interval, CASE WHEN g % 3 = 0 THEN NULL ELSE now() END
                    FROM u, generate_series(1, ${PER_USER}) g
                  RETURNING destinataire_id)
       SELECT destinataire_id AS id FROM n LIMIT 1`,
    );
    user = id;
    await scratch.ownerQuery(`ANALYZE notification`);
  }, 120_000);

  afterAll(() => scratch?.drop());

  function expectPageFrom(plan: PlanNode, index: string) {
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' || /Sort/.test(n['Node Type']))).toEqual([]);
    const limit = all.find((n) => n['Node Type'] === 'Limit');
    expect(limit).toBeDefined();
    expect(nodes(limit!).map((n) => n['Index Name']).filter(Boolean)).toEqual([index]);
  }

  it('a page reads the unread section then the read one, each on its partial index; with a cursor too; the count on the first', async () => {
    const boite = new BoiteNotifications(explaining(scratch.dataSource, plans), new SystemClock());
    await boite.lister(user, { limit: 50 });
    // The explaining source answers no rows, so both sections were asked for.
    expect(plans).toHaveLength(2);
    expectPageFrom(plans[0], 'idx_notification_non_lue');
    expectPageFrom(plans[1], 'idx_notification_lue');

    plans.length = 0;
    const page = await new BoiteNotifications(scratch.dataSource, new SystemClock()).lister(user, { limit: 400 });
    expect(page.nextCursor?.[0]).toBe('l'); // 333 unread, then read ones: the cursor stops in the read section
    await boite.lister(user, { limit: 50, cursor: page.nextCursor! });
    expect(plans).toHaveLength(1);
    expectPageFrom(plans[0], 'idx_notification_lue');

    plans.length = 0;
    await boite.compter(user).catch(() => undefined); // the explaining source answers no row to read the count from
    const count = nodes(plans[0]);
    expect(count.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(count.map((n) => n['Index Name']).filter(Boolean)).toEqual(['idx_notification_non_lue']);
  });
});
