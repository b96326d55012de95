import { QueryBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { GetAffectationQuery, GetCommandeQuery } from '@app/commandes';
import { GetQuestionQuery } from '@app/questions';
import { SlaConsumer, SlaTimers, timerJobId } from '@app/sla';
import { briefComplet, commandeFixture, CommandeIds, EMAILS as C } from '../commandes/fixtures';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/**
 * A transition's answer shows the clocks after the transition (issue 11, §5). No worker runs
 * until a test starts one: what the answer shows can only come from the request itself.
 */
describe('SLA clocks in the answer of each transition', () => {
  let f: SlaFixture;
  let agent: string;
  let referent: string;
  let referentDef: string;
  let eceau: string;
  let def: string;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_answers', 12, {}, false);
    agent = await f.api.login(EMAILS.agentCarcassonne);
    referent = await f.api.login(EMAILS.referentTourisme);
    referentDef = await f.api.login(EMAILS.referentDef);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    [{ id: def }] = await f.query(`SELECT id FROM direction WHERE code = 'def'`);
  }, 60_000);

  afterAll(() => f?.close());

  const post = async (path: string, token: string, body: unknown = {}) => {
    const res = await f.api.post(`/api/v1${path}`, body, { token });
    if (res.status !== 200) throw new Error(`POST ${path} → ${res.status} ${res.text}`);
    return res.body;
  };
  /** The answer's clocks as [horloge, cycle, etat], sorted. */
  const etats = (view: any) => (view.sla as any[]).map((c) => [c.horloge, c.cycle, c.etat]).sort((a, b) => String(a).localeCompare(String(b)));
  const clock = (view: any, horloge: string) => (view.sla as any[]).find((c) => c.horloge === horloge);
  const cursor = async (type: string, id: string) => (await f.query(`SELECT seq FROM sla_curseur WHERE ticket_type = $1 AND ticket_id = $2`, [type, id]))[0]?.seq;
  const lastSeq = async (id: string) => (await f.query(`SELECT max(seq)::int AS seq FROM timeline_event WHERE ticket_id = $1`, [id]))[0].seq;
  const clockRows = (id: string) => f.query(`SELECT id, horloge, cycle, etat, generation, version, echeance FROM sla_horloge WHERE ticket_id = $1 ORDER BY id`, [id]);

  it('each question transition answers its clocks as they stand after it, and arms their timers after commit', async () => {
    const created = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    const id = created.body.id;
    expect(created.body.sla).toEqual([]);

    const escalated = await post(`/questions/${id}/escalader`, agent);
    expect(etats(escalated)).toEqual([
      ['prise_en_charge', 1, 'running'],
      ['reponse', 1, 'running'],
    ]);
    // Due from the escalation's time, on the always-open calendar of this suite.
    const reponse = clock(escalated, 'reponse');
    expect(new Date(reponse.echeance).getTime()).toBe(new Date(escalated.escaladeeAt).getTime() + reponse.cibleMinutesOuvrees * 60_000);
    expect(reponse.restantMinutesOuvrees).toBeGreaterThan(0);
    expect(reponse.detenteurs).toEqual([expect.objectContaining({ type: 'direction', jusquA: null })]);
    // Armed after commit by the request (without holding its answer back): the worker is not running.
    const [row] = await f.query(`SELECT id, generation FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'reponse'`, [id]);
    const timers = f.api.app.get(SlaTimers, { strict: false });
    await f.waitFor(async () => (await timers.queue.getJob(timerJobId(row.id, 'depassement', row.generation))) ?? null, 5000, 'breach timer');
    await f.waitFor(async () => (await timers.queue.getJob(timerJobId(row.id, 'avertissement', row.generation))) ?? null, 5000, 'warning timer');

    const rerouted = await post(`/questions/${id}/reorienter`, referent, { directionId: def, motif: 'Relève de l’emploi' });
    expect(etats(rerouted)).toEqual([
      ['prise_en_charge', 1, 'running'],
      ['reponse', 1, 'running'],
    ]);
    expect(clock(rerouted, 'reponse').detenteurs.map((d: any) => [d.id, d.jusquA === null])).toEqual([
      [escalated.direction.id, false],
      [def, true],
    ]);

    const claimed = await post(`/questions/${id}/prendre-en-charge`, referentDef);
    expect(etats(claimed)).toEqual([
      ['prise_en_charge', 1, 'met'],
      ['reponse', 1, 'running'],
    ]);
    const asked = await post(`/questions/${id}/demander-info`, referentDef, { message: 'Combien d’emplacements ?' });
    expect(etats(asked)).toEqual([
      ['prise_en_charge', 1, 'met'],
      ['reponse', 1, 'paused'],
    ]);
    expect(clock(asked, 'reponse').echeance).toBeNull();
    const given = await post(`/questions/${id}/fournir-info`, agent, { message: '120 emplacements' });
    expect(etats(given)).toEqual([
      ['prise_en_charge', 1, 'met'],
      ['reponse', 1, 'running'],
    ]);
    expect(clock(given, 'reponse').echeance).not.toBeNull();
    const answered = await post(`/questions/${id}/repondre`, referentDef, { reponse: 'Oui, via le dispositif régional.' });
    expect(etats(answered)).toEqual([
      ['prise_en_charge', 1, 'met'],
      ['relais', 1, 'running'],
      ['reponse', 1, 'met'],
    ]);
    const closed = await post(`/questions/${id}/clore`, agent, { issue: 'repondue' });
    expect(etats(closed)).toEqual([
      ['prise_en_charge', 1, 'met'],
      ['relais', 1, 'met'],
      ['reponse', 1, 'met'],
    ]);
    const reopened = await post(`/questions/${id}/rouvrir`, agent, { motif: 'L’usager a une autre question' });
    expect(etats(reopened)).toEqual(etats(closed));
    const again = await post(`/questions/${id}/escalader`, agent);
    expect(etats(again)).toEqual([
      ['prise_en_charge', 2, 'running'],
      ['relais', 1, 'met'],
      ['reponse', 2, 'running'],
    ]);
    // The ETag is the answer's version.
    const read = await f.api.get(`/api/v1/questions/${id}`, { token: agent });
    expect(read.body.version).toBe(again.version);
    expect(etats(read.body)).toEqual(etats(again));
    expect(read.body.sla.map((c: any) => c.echeance)).toEqual(again.sla.map((c: any) => c.echeance));

    // A question answered locally has no clock.
    const local = await f.api.post('/api/v1/questions', questionBody(), { token: agent });
    expect((await post(`/questions/${local.body.id}/repondre-localement`, agent, { reponse: 'Voici le formulaire.' })).sla).toEqual([]);

    // The request moved the cursor to the ticket's last event: nothing left for the consumer.
    expect(await cursor('question', id)).toBe(await lastSeq(id));
  });

  it('each commande transition answers its clocks as they stand after it', async () => {
    const ids: CommandeIds = await commandeFixture(f.scratch.dataSource);
    const conseiller = await f.api.login(C.conseiller);
    const dayIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const draft = await f.api.post('/api/v1/commandes', briefComplet(ids, { echeance: dayIn(30), livrables: [{ libelle: 'Compte rendu', echeance: dayIn(25) }] }), { token: conseiller });
    expect(draft.status).toBe(201);
    const commandeId = draft.body.id;
    const issued = await post(`/commandes/${commandeId}/emettre`, conseiller);
    // Per MdR: its acknowledgement, the commande's deadline and the livrable's.
    expect(issued.sla).toHaveLength(9);
    expect(new Set(issued.sla.map((c: any) => c.etat))).toEqual(new Set(['running']));
    for (const a of issued.affectations) expect(a.sla.map((c: any) => c.horloge).sort()).toEqual(['accuse_reception', 'echeance_commande', 'echeance_livrable']);
    const affectation = (maisonId: string) => issued.affectations.find((a: any) => a.maison.id === maisonId).id;
    const ar = (view: any) => view.sla.find((c: any) => c.horloge === 'accuse_reception').etat;

    const foix = await f.api.login(C.responsableFoix);
    expect(ar(await post(`/affectations/${affectation(ids.foix)}/accuser-reception`, foix))).toBe('met');
    const limoux = await f.api.login(C.responsableLimoux);
    expect(ar(await post(`/affectations/${affectation(ids.limoux)}/demander-clarification`, limoux, { question: 'Quel public ?' }))).toBe('paused');
    expect(ar(await post(`/affectations/${affectation(ids.limoux)}/clarifier`, conseiller, { reponse: 'Les entreprises du BTP.' }))).toBe('running');
    const cancelled = await post(`/affectations/${affectation(ids.perpignan)}/annuler`, conseiller, { motif: 'Atelier déjà tenu' });
    expect(new Set(cancelled.sla.map((c: any) => c.etat))).toEqual(new Set(['cancelled']));
    const whole = await post(`/commandes/${commandeId}/annuler`, conseiller, { motif: 'Plan reporté' });
    const byMaison = (view: any, maisonId: string) => view.affectations.find((a: any) => a.maison.id === maisonId).sla.map((c: any) => c.etat).sort();
    expect(byMaison(whole, ids.foix)).toEqual(['cancelled', 'cancelled', 'met']);
    expect(byMaison(whole, ids.limoux)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(await cursor('commande', commandeId)).toBe(await lastSeq(commandeId));
  });

  it('a committed transition answers 200 even when reads fail right after its commit (the answer is read inside the transaction)', async () => {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    const conseiller = await f.api.login(C.conseiller);
    const foix = await f.api.login(C.responsableFoix);
    const ids: CommandeIds = await commandeFixture(f.scratch.dataSource);
    const draft = await f.api.post('/api/v1/commandes', briefComplet(ids, { echeance: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }), { token: conseiller });
    // Reads of a ticket outside the transaction fail, as during a PostgreSQL restart just after
    // the commit (the caller's identity still resolves).
    const queryBus = f.api.app.get(QueryBus);
    const execute = queryBus.execute.bind(queryBus);
    jest.spyOn(queryBus, 'execute').mockImplementation(((query: object) =>
      [GetQuestionQuery, GetCommandeQuery, GetAffectationQuery].some((type) => query instanceof type)
        ? Promise.reject(new Error('terminating connection due to administrator command'))
        : execute(query as never)) as never);
    try {
      const res = await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
      expect(res.status).toBe(200);
      expect(res.body.statut).toBe('escaladee');
      expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
      const issued = await f.api.post(`/api/v1/commandes/${draft.body.id}/emettre`, {}, { token: conseiller });
      expect(issued.status).toBe(200);
      expect(issued.body.statut).not.toBe('brouillon');
      const mine = issued.body.affectations.find((a: any) => a.maison.id === ids.foix).id;
      const acked = await f.api.post(`/api/v1/affectations/${mine}/accuser-reception`, {}, { token: foix });
      expect(acked.status).toBe(200);
      expect(acked.body.sla.find((c: any) => c.horloge === 'accuse_reception').etat).toBe('met');
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('the worker then finds nothing new: same clock rows, no extra timeline event, every event processed', async () => {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    await post(`/questions/${q.body.id}/escalader`, agent);
    await post(`/questions/${q.body.id}/prendre-en-charge`, referent);
    const before = await clockRows(q.body.id);
    const seq = await lastSeq(q.body.id);
    const worker = await f.startWorker();
    try {
      await f.waitFor(async () => {
        const [{ n }] = await f.query(`SELECT count(*)::int n FROM outbox WHERE processed_at IS NULL`);
        return n === 0;
      }, 20_000, 'outbox drained');
      expect(await clockRows(q.body.id)).toEqual(before);
      expect(await lastSeq(q.body.id)).toBe(seq);
      const [{ n }] = await f.query(
        `SELECT count(*)::int n FROM processed_event p JOIN outbox o ON o.id = p.event_id WHERE p.consumer = 'sla' AND o.aggregate_id = $1`,
        [q.body.id],
      );
      expect(n).toBe(3);
    } finally {
      await worker.close();
      f.workers.splice(f.workers.indexOf(worker), 1);
    }
  });

  it('lock order: a transition waits for a clock a timer fire holds, without holding the question row (no deadlock)', async () => {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    const escalated = await post(`/questions/${q.body.id}/escalader`, agent);
    const [row] = await f.query(`SELECT id FROM sla_horloge WHERE ticket_id = $1 AND horloge = 'reponse'`, [q.body.id]);
    // A fire's order: the clock row, then the ticket row (sla.fire.ts).
    const fire = (f.scratch.dataSource as DataSource).createQueryRunner();
    await fire.connect();
    await fire.startTransaction();
    try {
      await fire.query(`SET LOCAL lock_timeout = '5s'`);
      await fire.query(`SELECT 1 FROM sla_horloge WHERE id = $1 FOR UPDATE`, [row.id]);
      const claim = f.api.post(`/api/v1/questions/${q.body.id}/prendre-en-charge`, {}, { token: referent });
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      await fire.query(`SELECT 1 FROM question WHERE id = $1 FOR UPDATE`, [q.body.id]);
      expect(Date.now() - t0).toBeLessThan(1000); // the request did not take the question row first
      await fire.commitTransaction();
      const res = await claim;
      expect(res.status).toBe(200);
      expect(etats(res.body)).toEqual([
        ['prise_en_charge', 1, 'met'],
        ['reponse', 1, 'running'],
      ]);
      expect(res.body.version).toBe(escalated.version + 1);
    } finally {
      if (fire.isTransactionActive) await fire.rollbackTransaction();
      await fire.release();
    }
  });

  it('transitions racing the consumer and timer fires on the same tickets: one set of clocks, each fire once, no error', async () => {
    await f.setTargets({ prise_en_charge: 0.01, reponse: 0.02 }); // 0.6 s and 1.2 s: fires during the transitions
    const worker = await f.startWorker();
    const consumer = worker.get(SlaConsumer, { strict: false });
    const workerDb = worker.get(DataSource);
    try {
      const ids: string[] = [];
      for (let k = 0; k < 6; k++) ids.push((await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent })).body.id);
      const statuses: number[] = [];
      const race = (id: string) => workerDb.transaction((m) => consumer.apply(m, 'question', id)).then(() => undefined);
      const flow = async (id: string) => {
        for (const [path, token, body] of [
          ['escalader', agent, {}],
          ['prendre-en-charge', referent, {}],
          ['demander-info', referent, { message: 'Précisez ?' }],
          ['fournir-info', agent, { message: 'Voici.' }],
          ['repondre', referent, { reponse: 'Oui.' }],
        ] as Array<[string, string, object]>) {
          const [res] = await Promise.all([f.api.post(`/api/v1/questions/${id}/${path}`, body, { token }), race(id), race(id)]);
          statuses.push(res.status);
          await new Promise((r) => setTimeout(r, 300));
        }
      };
      await Promise.all(ids.map(flow));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      await new Promise((r) => setTimeout(r, 1500));
      let fires = 0;
      for (const id of ids) {
        const rows = await f.query(`SELECT horloge, cycle FROM sla_horloge WHERE ticket_id = $1 ORDER BY horloge, cycle`, [id]);
        expect(rows.map((r) => `${r.horloge}/${r.cycle}`)).toEqual(['prise_en_charge/1', 'relais/1', 'reponse/1']);
        expect(await cursor('question', id)).toBe(await lastSeq(id));
        // Each fire recorded once, and once on the timeline.
        const fired = await f.query(
          `SELECT d.horloge_id, d.generation, d.type FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = $1`,
          [id],
        );
        const events = await f.query(`SELECT data->>'horlogeId' AS h, type FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%'`, [id]);
        expect(events).toHaveLength(fired.length);
        fires += fired.length;
        expect(new Set(events.map((e) => `${e.h}/${e.type}`)).size).toBe(events.length);
      }
      expect(fires).toBeGreaterThan(0); // the timers did fire among the transitions
    } finally {
      await worker.close();
      f.workers.splice(f.workers.indexOf(worker), 1);
    }
  }, 60_000);
});
