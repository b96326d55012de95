import { briefComplet, EMAILS } from '../commandes/fixtures';
import { SlaFixture } from './sla-fixture';

/** Clocks of the top-down flow: each MdR's acknowledgement, and the commande's deadline per assignment. */
describe('SLA clocks on commandes', () => {
  let f: SlaFixture;
  let conseiller: string;
  let ids: { foix: string; limoux: string; perpignan: string; carcassonne: string; def: string; themeFormation: string };

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_commande', 7);
    conseiller = await f.api.login(EMAILS.conseiller);
    const one = async (sql: string, p: unknown[]) => (await f.query(sql, p))[0].id as string;
    const maison = (code: string) => one(`SELECT id FROM maison WHERE code = $1`, [code]);
    ids = {
      foix: await maison('foix'),
      limoux: await maison('limoux'),
      perpignan: await maison('perpignan'),
      carcassonne: await maison('carcassonne'),
      def: await one(`SELECT id FROM direction WHERE code = $1`, ['def']),
      themeFormation: await one(`SELECT id FROM theme WHERE code = $1`, ['FORMATION_EMPLOI']),
    };
  }, 60_000);

  afterAll(() => f?.close());

  /** A date `days` from now (the SLA suite runs on the real clock). */
  const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  const clocks = (commandeId: string) =>
    f.query(`SELECT h.*, a.maison_id FROM sla_horloge h JOIN affectation a ON a.id = h.affectation_id WHERE h.ticket_id = $1 ORDER BY horloge, a.maison_id`, [commandeId]);

  it('issuing starts one acknowledgement clock and one deadline clock per MdR; acknowledging meets it, a clarification pauses it, silence breaches it', async () => {
    await f.query(`UPDATE sla_politique SET cible_minutes = 0.05 WHERE flux = 'commande' AND horloge = 'accuse_reception'`); // 3 s
    const draft = await f.api.post('/api/v1/commandes', briefComplet(ids as never, { echeance: dayIn(30), livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des participants', echeance: dayIn(25) }] }), { token: conseiller });
    if (draft.status !== 201) throw new Error(draft.text);
    const issued = await f.api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
    expect(issued.status).toBe(200);
    const commandeId = draft.body.id;
    const started = await f.waitFor(async () => {
      const rows = await clocks(commandeId);
      return rows.length === 6 ? rows : null;
    }, 10_000, 'six clocks');
    expect(started.filter((c) => c.horloge === 'accuse_reception').every((c) => c.etat === 'running' && c.calendrier_id === 'reseau')).toBe(true);
    const deadline = started.filter((c) => c.horloge === 'echeance_commande');
    expect(deadline).toHaveLength(3);
    expect(new Date(deadline[0].echeance).toISOString()).toBe(issued.body.echeance);

    const affectation = (maisonId: string) => issued.body.affectations.find((a: any) => a.maison.id === maisonId).id;
    const foix = await f.api.login(EMAILS.responsableFoix);
    const limoux = await f.api.login(EMAILS.responsableLimoux);
    expect((await f.api.post(`/api/v1/affectations/${affectation(ids.foix)}/accuser-reception`, {}, { token: foix })).status).toBe(200);
    expect(
      (await f.api.post(`/api/v1/affectations/${affectation(ids.limoux)}/demander-clarification`, { question: 'Quel public ?' }, { token: limoux })).status,
    ).toBe(200);

    // Perpignan says nothing: its acknowledgement breaches, once, on the commande's timeline.
    const breach = await f.waitFor(async () => {
      const rows = await f.query(`SELECT data FROM timeline_event WHERE ticket_id = $1 AND type = 'sla.depassement'`, [commandeId]);
      return rows.length ? rows : null;
    }, 10_000, 'breach');
    await new Promise((r) => setTimeout(r, 1500));
    const all = await f.query(`SELECT data FROM timeline_event WHERE ticket_id = $1 AND type = 'sla.depassement'`, [commandeId]);
    expect(all).toHaveLength(1);
    expect(breach[0].data).toMatchObject({ horloge: 'accuse_reception', affectationId: affectation(ids.perpignan) });
    const byMaison = Object.fromEntries((await clocks(commandeId)).filter((c) => c.horloge === 'accuse_reception').map((c) => [c.maison_id, c.etat]));
    expect(byMaison).toEqual({ [ids.foix]: 'met', [ids.limoux]: 'paused', [ids.perpignan]: 'breached' });

    // The roll-up shows each assignment's clocks.
    const view = await f.api.get(`/api/v1/commandes/${commandeId}`, { token: conseiller });
    const perpignan = view.body.affectations.find((a: any) => a.maison.id === ids.perpignan);
    expect(perpignan.sla.map((c: any) => [c.horloge, c.etat]).sort()).toEqual([
      ['accuse_reception', 'breached'],
      ['echeance_commande', 'running'],
    ]);
    expect(view.body.sla).toHaveLength(6);
  }, 60_000);
});
