import { briefComplet, CommandeIds, commandeFixture, EMAILS } from '../commandes/fixtures';
import { SlaFixture } from './sla-fixture';

/** Clocks of the top-down flow: each MdR's acknowledgement, and the commande's and each livrable's deadline per assignment. */
describe('SLA clocks on commandes', () => {
  let f: SlaFixture;
  let conseiller: string;
  let ids: CommandeIds;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_commande', 7);
    conseiller = await f.api.login(EMAILS.conseiller);
    ids = await commandeFixture(f.scratch.dataSource);
  }, 60_000);

  afterAll(() => f?.close());

  /** A date `days` from now (the SLA suite runs on the real clock). */
  const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  const clocks = (commandeId: string) =>
    f.query(`SELECT h.*, a.maison_id FROM sla_horloge h JOIN affectation a ON a.id = h.affectation_id WHERE h.ticket_id = $1 ORDER BY horloge, a.maison_id`, [commandeId]);

  it('issuing starts per MdR one acknowledgement clock and the deadline clocks; acknowledging meets it, a clarification pauses it, silence breaches it', async () => {
    await f.query(`UPDATE sla_politique SET cible_minutes = 0.05 WHERE flux = 'commande' AND horloge = 'accuse_reception'`); // 3 s
    const draft = await f.api.post('/api/v1/commandes', briefComplet(ids as never, { echeance: dayIn(30), livrables: [{ libelle: 'Compte rendu de l’atelier' }, { libelle: 'Liste des participants', echeance: dayIn(25) }] }), { token: conseiller });
    if (draft.status !== 201) throw new Error(draft.text);
    const issued = await f.api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
    expect(issued.status).toBe(200);
    const commandeId = draft.body.id;
    const started = await f.waitFor(async () => {
      const rows = await clocks(commandeId);
      return rows.length === 9 ? rows : null;
    }, 10_000, 'nine clocks');
    expect(started.filter((c) => c.horloge === 'accuse_reception').every((c) => c.etat === 'running' && c.calendrier_id === 'reseau')).toBe(true);
    const deadline = started.filter((c) => c.horloge === 'echeance_commande');
    expect(deadline).toHaveLength(3);
    expect(new Date(deadline[0].echeance).toISOString()).toBe(issued.body.echeance);
    // Only the livrable with a date of its own has a clock, one per MdR, on that date.
    const livrables = started.filter((c) => c.horloge === 'echeance_livrable');
    const participants = issued.body.livrables.find((l: any) => l.libelle === 'Liste des participants');
    expect(livrables.map((c) => [c.objet, new Date(c.echeance).toISOString(), c.etat])).toEqual(
      Array(3).fill([participants.id, participants.echeance, 'running']),
    );

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
      ['echeance_livrable', 'running'],
    ]);
    expect(perpignan.sla.find((c: any) => c.horloge === 'echeance_livrable').livrableId).toBe(participants.id);
    expect(view.body.sla).toHaveLength(9);
  }, 60_000);

  it('a livrable marked done meets its clock, unmarked gets it back; a delivery sent back reopens the deadlines not met by accepted work, late at once if past', async () => {
    const issued = await (async () => {
      const draft = await f.api.post(
        '/api/v1/commandes',
        briefComplet(ids as never, {
          maisonIds: [ids.foix],
          echeance: dayIn(30),
          livrables: [{ libelle: 'Programme', echeance: dayIn(20) }, { libelle: 'Bilan', echeance: dayIn(28) }],
        }),
        { token: conseiller },
      );
      if (draft.status !== 201) throw new Error(draft.text);
      return (await f.api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller })).body;
    })();
    const commandeId = issued.id;
    const affectationId = issued.affectations[0].id;
    const [programme, bilan] = ['Programme', 'Bilan'].map((l) => issued.livrables.find((x: any) => x.libelle === l).id);
    const latest = async () =>
      Object.fromEntries(
        (
          await f.query(
            `SELECT DISTINCT ON (horloge, objet) horloge, objet, cycle, etat FROM sla_horloge WHERE ticket_id = $1 ORDER BY horloge, objet, cycle DESC`,
            [commandeId],
          )
        ).map((c) => [c.objet || c.horloge, `${c.etat}#${c.cycle}`]),
      );
    const settled = (expected: Record<string, string>, what: string) =>
      f.waitFor(async () => {
        const now = await latest();
        return JSON.stringify(now) === JSON.stringify({ ...now, ...expected }) ? now : null;
      }, 10_000, what);
    await settled({ [programme]: 'running#1', [bilan]: 'running#1', echeance_commande: 'running#1' }, 'clocks started');

    const foix = await f.api.login(EMAILS.responsableFoix);
    const post = async (path: string, body: unknown, token = foix) => {
      const res = await f.api.post(`/api/v1/affectations/${affectationId}/${path}`, body, { token });
      if (res.status !== 200) throw new Error(`${path} → ${res.status} ${res.text}`);
    };
    await post('accuser-reception', {});
    await post('avancement', { pourcentage: 40, livrablesFaits: [programme] });
    await settled({ [programme]: 'met#1', [bilan]: 'running#1' }, 'programme met');
    // A mistake corrected: the programme is not done after all; its deadline runs again.
    await post('avancement', { pourcentage: 40, livrablesFaits: [] });
    await settled({ [programme]: 'running#2', [bilan]: 'running#1' }, 'programme reopened');
    await post('avancement', { pourcentage: 60, livrablesFaits: [programme] });
    await settled({ [programme]: 'met#2' }, 'programme met again');

    // The delivery meets every deadline clock of the assignment.
    await post('livrer', { note: 'Tout est joint.' });
    await settled({ [programme]: 'met#2', [bilan]: 'met#1', echeance_commande: 'met#1', accuse_reception: 'met#1' }, 'delivered');

    // Sent back: the commande's deadline and the bilan (not marked done) run again; the bilan's
    // date has passed meanwhile (moved back here), so its reopened clock is late at once.
    await f.query(`UPDATE commande SET livrables = (SELECT jsonb_agg(CASE WHEN l->>'id' = $2 THEN jsonb_set(l, '{echeance}', to_jsonb($3::text)) ELSE l END) FROM jsonb_array_elements(livrables) l) WHERE id = $1`, [
      commandeId,
      bilan,
      new Date(Date.now() - 60_000).toISOString(),
    ]);
    await post('renvoyer', { motif: 'Il manque le bilan chiffré.' }, conseiller);
    const after = await settled({ [programme]: 'met#2', [bilan]: 'breached#2', echeance_commande: 'running#2', accuse_reception: 'met#1' }, 'reopened after renvoi');
    expect(after[bilan]).toBe('breached#2');
    const breaches = await f.query(`SELECT count(*)::int AS n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = $1 AND d.type = 'depassement'`, [commandeId]);
    expect(breaches[0].n).toBe(1);
    // The breach on the timeline names its livrable.
    const event = await f.waitFor(async () => (await f.query(`SELECT data FROM timeline_event WHERE ticket_id = $1 AND type = 'sla.depassement'`, [commandeId]))[0], 5000, 'breach event');
    expect(event.data).toMatchObject({ horloge: 'echeance_livrable', livrableId: bilan, cycle: 2 });
  }, 60_000);

  it('an MdR given a calendar of its own takes its running clocks off the network calendar, re-planned', async () => {
    await f.query(`UPDATE sla_politique SET cible_minutes = 600 WHERE flux = 'commande' AND horloge = 'accuse_reception'`);
    const admin = await f.api.login('admin@relais.demo');
    const draft = await f.api.post('/api/v1/commandes', briefComplet(ids as never, { maisonIds: [ids.carcassonne], echeance: dayIn(30) }), { token: conseiller });
    if (draft.status !== 201) throw new Error(draft.text);
    expect((await f.api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller })).status).toBe(200);
    const accuse = () => f.query(`SELECT * FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'accuse_reception'`, [draft.body.id]).then((r) => r[0]);
    const before = await f.waitFor(accuse, 10_000, 'acknowledgement clock');
    expect(before).toMatchObject({ calendrier_id: 'reseau', etat: 'running' });

    // Until it has one, the MdR's calendar is the network's, shown as inherited.
    const id = `maison-${ids.carcassonne}`;
    const inherited = await f.api.get(`/api/v1/calendriers/${id}`, { token: admin });
    expect(inherited.status).toBe(200);
    expect(inherited.body).toMatchObject({ id, herite: true, version: 0 });
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(new Date());
    const { id: _id, ...spec } = inherited.body.spec;
    const created = await f.api.request('PUT', `/api/v1/calendriers/${id}`, {
      token: admin,
      body: { ...spec, libelle: 'Maison de la Région de Carcassonne', closures: [today] },
      headers: { 'if-match': inherited.headers.get('etag')! },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id, herite: false, version: 1 });

    const after = await f.waitFor(async () => {
      const c = await accuse();
      return c.calendrier_id === id ? c : null;
    }, 10_000, 'clock moved to the MdR calendar');
    expect(after.generation).toBeGreaterThan(before.generation);
    // Closed for the rest of today: the remaining time starts tomorrow.
    expect(new Date(after.echeance).getTime()).toBeGreaterThan(new Date(before.echeance).getTime());
    const prefix = f.env.QUEUE_PREFIX;
    await f.waitFor(async () => (await f.redis.exists(`${prefix}:sla-timers:sla-${after.id}-depassement-${after.generation}`)) === 1, 5000, 'new timer');
    expect(await f.redis.exists(`${prefix}:sla-timers:sla-${after.id}-depassement-${before.generation}`)).toBe(0);
    // Another MdR's clocks stayed on the network calendar; an unknown MdR has no calendar.
    const others = await f.query(`SELECT DISTINCT calendrier_id FROM sla_horloge h JOIN affectation a ON a.id = h.affectation_id WHERE h.horloge = 'accuse_reception' AND a.maison_id <> $1`, [ids.carcassonne]);
    expect(others.map((r) => r.calendrier_id)).toEqual(['reseau']);
    expect((await f.api.get(`/api/v1/calendriers/maison-00000000-0000-4000-8000-000000000000`, { token: admin })).status).toBe(404);
  }, 60_000);
});
