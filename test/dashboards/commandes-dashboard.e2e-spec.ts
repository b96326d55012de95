import { ManualClock } from '@app/core';
import { seedDemoData } from '@app/directory';
import { briefComplet, CommandeIds, commandeFixture, EMAILS } from '../commandes/fixtures';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

/**
 * The commandes dashboard, on commandes driven through the API: the Cabinet's to Foix (delivered
 * on time, validated), Limoux (40 %, one livrable done) and Perpignan (silent); DEF's to
 * Carcassonne (delivered after the deadline). Read on 22 December, after the 18 December deadline.
 */
describe('commandes dashboard', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let ids: CommandeIds;
  const clock = new ManualClock(new Date('2026-12-02T10:00:00+01:00'));
  let cabinet: any;
  let def: any;
  let beforeDeadline: any;

  const as = async (email: string, method: string, path: string, body?: unknown) => {
    const res = await api.request(method, path, { token: await api.login(email), body });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  const issue = async (email: string, overrides: Record<string, unknown>) => {
    const draft = await as(email, 'POST', '/api/v1/commandes', briefComplet(ids, overrides));
    return as(email, 'POST', `/api/v1/commandes/${draft.id}/emettre`, {});
  };
  const get = async (email: string, query = '', headers: Record<string, string> = {}) =>
    api.request('GET', `/api/v1/tableaux-de-bord/commandes?${query}`, { token: await api.login(email), headers });

  const affectation = (commande: any, maisonId: string) => commande.affectations.find((a: any) => a.maison.id === maisonId).id;

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_tdb_commandes');
    await seedDemoData(scratch.dataSource);
    ids = await commandeFixture(scratch.dataSource);
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url }, clock });

    cabinet = await issue(EMAILS.conseiller, {});
    def = await issue(EMAILS.managerDef, { maisonIds: [ids.carcassonne], titre: 'Relais de l’appel à projets formation' });
    const [l1] = cabinet.livrables.map((l: any) => l.id);
    await as(EMAILS.responsableFoix, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.foix)}/accuser-reception`, {});
    await as(EMAILS.responsableFoix, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.foix)}/avancement`, { pourcentage: 50, livrablesFaits: [l1] });
    await as(EMAILS.responsableLimoux, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.limoux)}/accuser-reception`, {});
    await as(EMAILS.responsableLimoux, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.limoux)}/avancement`, { pourcentage: 40, livrablesFaits: [l1] });
    // On 2 December nobody is late yet: every assignment is still "en cours".
    beforeDeadline = (await get(EMAILS.managerReseau)).body;
    clock.set('2026-12-10T10:00:00+01:00');
    await as(EMAILS.responsableFoix, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.foix)}/livrer`, { note: 'Compte rendu joint.' });
    await as(EMAILS.conseiller, 'POST', `/api/v1/affectations/${affectation(cabinet, ids.foix)}/valider`, {});
    await as('responsable.carcassonne@relais.demo', 'POST', `/api/v1/affectations/${affectation(def, ids.carcassonne)}/accuser-reception`, {});
    clock.set('2026-12-21T10:00:00+01:00');
    await as('responsable.carcassonne@relais.demo', 'POST', `/api/v1/affectations/${affectation(def, ids.carcassonne)}/livrer`, { note: 'En retard, désolés.' });
    clock.set('2026-12-22T10:00:00+01:00');
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await scratch?.drop();
  });

  it('per commande: assignments by state, late ones, mean progress, livrables; per MdR: received, on time, late', async () => {
    const res = await get(EMAILS.managerReseau);
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t.total).toEqual({ commandes: 2, recues: 4, aTemps: 1, enRetard: 3, enCours: 0 });
    const a = t.commandes.find((c: any) => c.id === cabinet.id);
    // Foix validated counts complete (100 %, both livrables), Limoux 40 % with one, Perpignan nothing.
    expect(a).toMatchObject({ affectations: 3, enRetard: 2, avancementMoyenPct: 47, livrables: { faits: 3, total: 6 }, emetteur: { type: 'cabinet', libelle: 'Cabinet' } });
    expect(a.parStatut).toMatchObject({ validee: 1, en_cours: 1, envoyee: 1, accusee: 0 });
    // Perpignan never acknowledged: still 'envoyee'.
    expect(Object.values(a.parStatut).reduce((x: number, y: any) => x + y, 0)).toBe(3);
    const b = t.commandes.find((c: any) => c.id === def.id);
    // Delivered (late) without a progress report: 100 % and both livrables handed in, as the commande view says.
    expect(b).toMatchObject({ affectations: 1, enRetard: 1, avancementMoyenPct: 100, livrables: { faits: 2, total: 2 }, emetteur: { type: 'direction', id: ids.def } });
    const vue = (await api.request('GET', `/api/v1/commandes/${def.id}`, { token: await api.login(EMAILS.managerDef) })).body;
    expect(vue.resume).toMatchObject({ progressionMoyenne: b.avancementMoyenPct, livrablesFaits: b.livrables.faits, livrablesTotal: b.livrables.total });
    expect(b.parStatut.livree).toBe(1);
    const maisons = Object.fromEntries(t.maisons.map((m: any) => [m.id, [m.recues, m.aTemps, m.enRetard, m.enCours]]));
    expect(maisons).toEqual({ [ids.foix]: [1, 1, 0, 0], [ids.limoux]: [1, 0, 1, 0], [ids.perpignan]: [1, 0, 1, 0], [ids.carcassonne]: [1, 0, 1, 0] });

    expect(beforeDeadline.total).toEqual({ commandes: 2, recues: 4, aTemps: 0, enRetard: 0, enCours: 4 });
  });

  it('pages per commande, newest first, with a cursor', async () => {
    const first = await get(EMAILS.managerReseau, 'limit=1');
    expect(first.body.commandes).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(EMAILS.managerReseau, `limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.commandes).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([first.body.commandes[0].id, second.body.commandes[0].id])).toEqual(new Set([cabinet.id, def.id]));
  });

  it('scope: a direction sees what it issued, an MdR its own assignment only; others are refused', async () => {
    const direction = (await get(EMAILS.managerDef)).body;
    expect(direction.commandes.map((c: any) => c.id)).toEqual([def.id]);
    expect(direction.total.commandes).toBe(1);
    const foix = (await get(EMAILS.responsableFoix)).body;
    expect(foix.commandes.map((c: any) => [c.id, c.affectations, c.parStatut.validee])).toEqual([[cabinet.id, 1, 1]]);
    expect(foix.maisons.map((m: any) => m.id)).toEqual([ids.foix]);
    expect((await get(EMAILS.managerDef, `perimetre=maison:${ids.foix}`)).status).toBe(403);
    expect((await get(EMAILS.managerDef, `perimetre=maison:${ids.foix}`, { accept: 'text/csv' })).status).toBe(403);
    expect((await get(EMAILS.referentDef)).status).toBe(403);
    expect((await get(EMAILS.agentFoix)).status).toBe(403);
  });

  it('exports every commande of the period as CSV', async () => {
    const res = await get(EMAILS.managerReseau, 'limit=1', { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('Section;Référence;Libellé;Émise le;Échéance;Affectations;Reçues;Dans les délais;En retard;En cours;Avancement moyen (%);Livrables faits;Livrables attendus');
    // Both commandes despite limit=1: the export is not a page.
    expect(lines.filter((l) => l.startsWith('Commande;'))).toHaveLength(2);
    expect(lines).toContain(`Commande;${cabinet.reference};Atelier de concertation sur les besoins en formation de la filière BTP;2026-12-02;2026-12-18;3;;;2;;47;3;6`);

    expect(lines[lines.length - 1]).toMatch(/^Total;;Réseau des Maisons de la Région du .*;;;;4;1;3;0;;;$/);
  });

  it('exports dates as Paris days: issued and due at 00:30 in Paris are those days, not the UTC days before', async () => {
    clock.set('2027-03-02T00:30:00+01:00'); // 23:30 UTC on 1 March
    const nuit = await issue(EMAILS.conseiller, {
      titre: 'Échéance juste après minuit',
      echeance: '2027-04-15T00:30:00+02:00', // 22:30 UTC on 14 April
      maisonIds: [ids.foix],
      livrables: [{ libelle: 'Compte rendu' }, { libelle: 'Liste des participants' }],
    });
    try {
      const res = await get(EMAILS.managerReseau, 'du=2027-03-01&au=2027-03-31', { accept: 'text/csv' });
      const lines = res.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
      expect(lines).toContain(`Commande;${nuit.reference};Échéance juste après minuit;2027-03-02;2027-04-15;1;;;0;;0;0;2`);
    } finally {
      await as(EMAILS.conseiller, 'POST', `/api/v1/commandes/${nuit.id}/annuler`, { motif: 'Commande de test' });
      clock.set('2026-12-22T10:00:00+01:00');
    }
  });

  it('the SLA dashboard reads the commande flux per assignment: open ones by MdR and by issuing direction', async () => {
    const res = await api.request('GET', '/api/v1/tableaux-de-bord/sla?flux=commande', { token: await api.login(EMAILS.managerReseau) });
    expect(res.status).toBe(200);
    // Limoux and Perpignan work on; Carcassonne's delivery awaits DEF's validation; Foix's is validated.
    expect(res.body.maintenant.ouverts).toBe(3);
    const maisons = Object.fromEntries(res.body.repartition.maisons.map((l: any) => [l.id, l.ouverts]));
    expect(maisons).toEqual({ [ids.limoux]: 1, [ids.perpignan]: 1, [ids.carcassonne]: 1 });
    const directions = Object.fromEntries(res.body.repartition.directions.map((l: any) => [l.id, l.ouverts]));
    expect(directions).toEqual({ null: 2, [ids.def]: 1 });
    expect(res.body.delais.premiereReponse.horloge).toBe('accuse_reception');
  });
});
