import type { AuthContext } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ListCommandesHandler } from '@app/commandes';
import { explaining, nodes, PlanNode } from '../setup/query-plans';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

const VOLUME = 100_000;

/**
 * GET /commandes must stay fast with years of commandes: with a realistic volume loaded and
 * analysed, the very SQL the handler sends must take its page from an index walked in order
 * under LIMIT — no sequential scan, no sort of the whole set — for each kind of caller.
 */
describe(`commande list plans at ${VOLUME.toLocaleString('fr-FR')} commandes`, () => {
  let scratch: ScratchDatabase;
  let users: Record<'cabinet' | 'managerDef' | 'responsable' | 'reseau', AuthContext>;
  const plans: PlanNode[] = [];

  /** The page comes from a LIMIT over an ordered walk of one of `indexes`: nothing sorts or scans the whole table. */
  function expectPageFrom(plan: any, ...indexes: string[]) {
    const all = nodes(plan);
    expect(all.filter((n) => n['Node Type'] === 'Seq Scan' && ['commande', 'affectation'].includes(n['Relation Name']))).toEqual([]);
    const page = all.find((n) => n['Node Type'] === 'Limit');
    expect(page).toBeDefined();
    const underLimit = nodes(page!);
    expect(underLimit.filter((n) => /Sort/.test(n['Node Type']))).toEqual([]);
    expect(underLimit.filter((n) => indexes.includes(n['Index Name'])).map((n) => n['Index Name'])).toEqual([expect.any(String)]);
  }

  async function planOf(ctx: AuthContext, filter: object): Promise<any> {
    const views = { views: async () => [] } as never;
    await new ListCommandesHandler(explaining(scratch.dataSource, plans), views).execute({ ctx, filter } as never);
    return plans.pop()!;
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_cmd_plans');
    const ds = scratch.dataSource;
    await seedDemoData(ds);
    const user = async (email: string): Promise<AuthContext> => {
      const [u] = await ds.query(`SELECT id, email, display_name, role, perimetre, maison_id, direction_id FROM users WHERE email = $1`, [email]);
      return { userId: u.id, email: u.email, displayName: u.display_name, role: u.role, perimetre: u.perimetre, maisonId: u.maison_id, directionId: u.direction_id };
    };
    users = {
      cabinet: await user('cabinet.conseiller@relais.demo'),
      managerDef: await user('manager.def@relais.demo'),
      responsable: await user('responsable.foix@relais.demo'),
      reseau: await user('manager.reseau@relais.demo'),
    };
    // Half from the Cabinet, half from the directions; 1 in 10 still a draft; three MdRs each.
    await ds.query(
      `WITH d AS (SELECT array_agg(id ORDER BY id) a FROM direction), u AS (SELECT id FROM users WHERE email = 'cabinet.conseiller@relais.demo')
       INSERT INTO commande (id, reference, statut, titre, livrables, contacts, maison_ids, urgent, emetteur_id, emetteur_unite_type, emetteur_unite_id,
                             created_at, updated_at, emise_at, version)
       SELECT gen_random_uuid(), 'V-' || g,
              (ARRAY['brouillon','emise','emise','emise','close','close','close','close','close','annulee'])[1 + g % 10],
              'Commande ' || g, '[]', '[]', '{}', false, u.id,
              CASE WHEN g % 2 = 0 THEN 'cabinet' ELSE 'direction' END,
              CASE WHEN g % 2 = 0 THEN NULL ELSE d.a[1 + g % array_length(d.a, 1)] END,
              now() - (g || ' minutes')::interval * 10, now(), CASE WHEN g % 10 <> 0 THEN now() - (g || ' minutes')::interval * 10 END, 1
         FROM generate_series(1, ${VOLUME}) g, d, u`,
    );
    await ds.query(
      `WITH m AS (SELECT array_agg(id ORDER BY id) a, count(*)::int n FROM maison),
            c AS (SELECT id, emise_at, row_number() OVER (ORDER BY id) AS r FROM commande WHERE statut <> 'brouillon')
       INSERT INTO affectation (id, commande_id, maison_id, statut, pourcentage, livrables_faits, livraison_liens, created_at, updated_at, version)
       SELECT gen_random_uuid(), c.id, m.a[1 + (c.r + k) % m.n], 'en_cours', 50, '{}', '{}', c.emise_at, c.emise_at, 1
         FROM c, m, generate_series(0, 2) k`,
    );
    // As the owner: ANALYZE skips, with a mere warning, the tables of someone else (the application's role).
    await scratch.ownerQuery(`ANALYZE`);
  }, 180_000);

  afterAll(() => scratch?.drop());

  it('an MdR’s received commandes walk the assignment index by MdR, newest first', async () => {
    expectPageFrom(await planOf(users.responsable, { recues: true }), 'idx_affectation_maison_created');
  });

  it('an issuing unit’s commandes walk the issuer index (Cabinet and direction)', async () => {
    // The Cabinet issues half of all commandes: walking the creation index and skipping the
    // others is as good a plan as the issuer index; a direction, rarer, has its own walk.
    expectPageFrom(await planOf(users.cabinet, {}), 'idx_commande_emetteur_created', 'idx_commande_created');
    expectPageFrom(await planOf(users.managerDef, {}), 'idx_commande_emetteur_created');
    // One unit's drafts: a few hundred rows found by index; sorting those is fine, scanning is not.
    const drafts = nodes(await planOf(users.managerDef, { statut: ['brouillon'] }));
    expect(drafts.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'commande')).toEqual([]);
    expect(drafts.some((n) => n['Index Name'] === 'idx_commande_emetteur_created')).toBe(true);
  });

  it('the network list walks the creation index, and the statut index when filtered', async () => {
    expectPageFrom(await planOf(users.reseau, {}), 'idx_commande_created');
    expectPageFrom(await planOf(users.reseau, { statut: ['emise'] }), 'idx_commande_statut_created');
  });
});
