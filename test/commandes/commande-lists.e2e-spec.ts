import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { briefSansMaterielNiContacts, CommandeIds, commandeFixture, DEBUT, emise, EMAILS, rediger } from './fixtures';

/** Who sees which commandes in which list, and a direction that sends its own commandes. */
describe('commande lists and scopes', () => {
  let api: TestApi;
  // A database of its own: these lists are ordered by creation, and the browser walks create
  // commandes for the same Maisons at the real time, after this suite's manual clock.
  let scratch: ScratchDatabase;
  let ids: CommandeIds;
  const clock = new ManualClock(new Date(DEBUT));

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_cmd_lists');
    await seedDemoData(scratch.dataSource);
    api = await TestApi.start({ clock, config: { DATABASE_URL: scratch.url } });
    ids = await commandeFixture({ query: (sql, params) => scratch.ownerQuery(sql, params) });
  });

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  const list = async (email: string, query = '') => {
    const res = await api.get(`/api/v1/commandes${query}`, { token: await api.login(email) });
    return res;
  };

  it('a direction’s manager sends a commande: the direction is the issuer, the Cabinet does not see it', async () => {
    const commande = await emise(api, ids, { titre: 'Relais des offres de formation DEF', maisonIds: [ids.foix] }, EMAILS.managerDef);
    expect(commande.emetteur.unite).toMatchObject({ type: 'direction', id: ids.def, nom: expect.any(String) });
    expect(commande.affectations).toHaveLength(1);
    const cabinet = await api.login(EMAILS.conseiller);
    expect((await api.get(`/api/v1/commandes/${commande.id}`, { token: cabinet })).status).toBe(404);
    expect((await list(EMAILS.conseiller)).body.items.map((c: any) => c.id)).not.toContain(commande.id);
    expect((await list(EMAILS.managerDef)).body.items.map((c: any) => c.id)).toContain(commande.id);
    // The direction's internal note stays in the direction; Foix reads the shared fil.
    const def = await api.login(EMAILS.managerDef);
    await api.post(`/api/v1/commandes/${commande.id}/messages`, { texte: 'Budget validé en comité de direction.', visibilite: 'interne' }, { token: def });
    const foix = await api.login(EMAILS.responsableFoix);
    const fil = await api.get(`/api/v1/commandes/${commande.id}/fil`, { token: foix });
    expect(fil.body.map((e: any) => e.type)).toEqual(['commande.redigee', 'commande.emise']);
    // Foix acts on its assignment, and the direction validates it.
    const aff = commande.affectations[0];
    await api.post(`/api/v1/affectations/${aff.id}/accuser-reception`, {}, { token: foix });
    await api.post(`/api/v1/affectations/${aff.id}/livrer`, { note: 'Relayé auprès de 40 usagers.' }, { token: foix });
    const validated = await api.post(`/api/v1/affectations/${aff.id}/valider`, {}, { token: def });
    expect(validated.body.commande.statut).toBe('close');
    // Another direction's manager can neither read nor validate.
    const tourisme = await api.login('manager.tourisme@relais.demo');
    expect((await api.get(`/api/v1/commandes/${commande.id}`, { token: tourisme })).status).toBe(404);
  });

  it('issuers list their unit’s commandes, drafts included, newest first, by cursor', async () => {
    clock.set('2026-12-03T09:00:00+01:00');
    const created = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      created.push(await rediger(api, briefSansMaterielNiContacts(ids, { titre: `Pagination ${i}` })));
    }
    const first = await list(EMAILS.conseiller, '?statut=brouillon&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: any) => c.id)).toEqual([created[2].id, created[1].id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(EMAILS.conseiller, `?statut=brouillon&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe(created[0].id);
    expect(second.body.items.every((c: any) => c.statut === 'brouillon')).toBe(true);
    const all = [...first.body.items, ...second.body.items].map((c: any) => c.createdAt);
    expect([...all].sort().reverse()).toEqual(all);
    const bad = await list(EMAILS.conseiller, '?cursor=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('cursor');
    expect((await list(EMAILS.conseiller, '?statut=ouverte')).status).toBe(400);
  });

  it('an MdR lists what it received, with the roll-up; drafts never appear', async () => {
    clock.set('2026-12-04T09:00:00+01:00');
    const draft = await rediger(api, briefSansMaterielNiContacts(ids, { titre: 'Brouillon invisible' }));
    clock.advance(60_000);
    const older = await emise(api, ids, { titre: 'Reçue plus tôt', maisonIds: [ids.limoux] });
    clock.advance(60_000);
    const a = await emise(api, ids, { titre: 'Reçue A', maisonIds: [ids.limoux] });
    clock.advance(60_000);
    const b = await emise(api, ids, { titre: 'Reçue B', maisonIds: [ids.limoux, ids.perpignan] });
    const page = await list(EMAILS.responsableLimoux, '?recues=true&limit=2');
    expect(page.body.items.map((c: any) => c.id)).toEqual([b.id, a.id]);
    expect(page.body.items[0].affectations.map((x: any) => x.maison.id).sort()).toEqual([ids.limoux, ids.perpignan].sort());
    expect(page.body.items[0].resume.parStatut.envoyee).toBe(2);
    const next = await list(EMAILS.responsableLimoux, `?recues=true&limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((c: any) => c.id)[0]).toBe(older.id);
    expect(next.body.items.map((c: any) => c.id)).not.toContain(b.id);
    const everything = await list(EMAILS.responsableLimoux, '?recues=true&limit=200');
    expect(everything.body.items.map((c: any) => c.id)).not.toContain(draft.id);
    // Without the flag an MdR's list is the same; a statut filter narrows it.
    expect((await list(EMAILS.responsableLimoux, '?limit=2')).body.items.map((c: any) => c.id)).toEqual([b.id, a.id]);
    expect((await list(EMAILS.responsableLimoux, '?recues=true&statut=close')).body.items.every((c: any) => c.statut === 'close')).toBe(true);
  });

  it('filters by the state of the affectations: for an MdR its own, for an issuer any of the commande’s', async () => {
    clock.set('2026-12-04T10:00:00+01:00');
    const c = await emise(api, ids, { titre: 'Filtre par affectation', maisonIds: [ids.limoux, ids.perpignan] });
    const perpignan = c.affectations.find((a: any) => a.maison.id === ids.perpignan);
    const acked = await api.post(`/api/v1/affectations/${perpignan.id}/accuser-reception`, {}, { token: await api.login(EMAILS.responsablePerpignan) });
    expect(acked.status).toBe(200);
    const seen = (res: any) => res.body.items.map((x: any) => x.id);
    // Limoux's own affectation is still to acknowledge; Perpignan's is acknowledged.
    expect(seen(await list(EMAILS.responsableLimoux, '?recues=true&statutAffectation=envoyee&limit=200'))).toContain(c.id);
    expect(seen(await list(EMAILS.responsableLimoux, '?recues=true&statutAffectation=accusee&limit=200'))).not.toContain(c.id);
    expect(seen(await list(EMAILS.responsablePerpignan, '?recues=true&statutAffectation=accusee,en_cours&limit=200'))).toContain(c.id);
    expect(seen(await list(EMAILS.responsablePerpignan, '?recues=true&statutAffectation=envoyee&limit=200'))).not.toContain(c.id);
    const limoux = await list(EMAILS.responsableLimoux, '?recues=true&statutAffectation=envoyee&limit=200');
    expect(limoux.body.items.every((x: any) => x.affectations.find((a: any) => a.maison.id === ids.limoux).statut === 'envoyee')).toBe(true);
    // The issuer: commandes with at least one affectation in one of the states.
    expect(seen(await list(EMAILS.conseiller, '?statutAffectation=accusee&limit=200'))).toContain(c.id);
    expect(seen(await list(EMAILS.conseiller, '?statutAffectation=livree&limit=200'))).not.toContain(c.id);
    const bad = await list(EMAILS.responsableLimoux, '?recues=true&statutAffectation=perdue');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'statutAffectation', message: expect.stringMatching(/envoyee/) });
  });

  it('network managers follow every issued commande; référents and admins have no list', async () => {
    const draft = await rediger(api, briefSansMaterielNiContacts(ids, { titre: 'Brouillon du Cabinet' }));
    const issued = await emise(api, ids, { titre: 'Émise pour le réseau' });
    const network = await list(EMAILS.managerReseau, '?limit=200');
    expect(network.status).toBe(200);
    const seen = network.body.items.map((c: any) => c.id);
    expect(seen).toContain(issued.id);
    expect(seen).not.toContain(draft.id);
    expect((await list(EMAILS.managerReseau, '?statut=brouillon')).body.items).toEqual([]);
    expect(network.body.items.find((c: any) => c.id === issued.id).affectations.every((a: any) => a.actions.length === 0)).toBe(true);
    for (const email of [EMAILS.referentDef, EMAILS.admin]) expect((await list(email)).status).toBe(403);
    const recuesByCabinet = await list(EMAILS.conseiller, '?recues=true');
    expect(recuesByCabinet.status).toBe(403);
    expect(recuesByCabinet.body.detail).toMatch(/Maison de la Région/);
  });
});
