import { DataSource, EntityManager } from 'typeorm';
import { SlaFirer, SlaTimers } from '@app/sla';
import { verifyTimeline } from '@app/timeline';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/** Group commit of SLA fires: many timers in one transaction, still each fired exactly once. */
describe('SLA fires in batches', () => {
  let f: SlaFixture;
  let agent: string;
  let eceau: string;
  let firer: SlaFirer;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_fire_batch', 11);
    agent = await f.api.login(EMAILS.agentCarcassonne);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    firer = f.workers[0].get(SlaFirer);
    await f.setTargets({ prise_en_charge: 600, reponse: 600 }); // nothing due by itself during the suite
  }, 60_000);

  afterAll(() => f?.close());

  /** An escalated question and its two running clocks (prise en charge, réponse). */
  async function escalated(): Promise<{ ticketId: string; clocks: Array<{ id: string; generation: number; horloge: string }> }> {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
    const clocks = await f.waitFor(async () => {
      const rows = await f.query(`SELECT id, generation, horloge FROM sla_horloge WHERE ticket_id = $1 AND etat = 'running' ORDER BY horloge`, [q.body.id]);
      return rows.length === 2 ? rows : null;
    }, 10_000, 'clocks');
    return { ticketId: q.body.id, clocks };
  }

  const slaEvents = (ticketId: string) =>
    f.query(`SELECT seq, type, data FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%' ORDER BY seq`, [ticketId]);
  const outboxRows = (ticketId: string) => f.query(`SELECT id, type FROM outbox WHERE aggregate_id = $1 AND type LIKE 'sla.%'`, [ticketId]);

  it('the same fire twice in one batch, and again in a later batch, is recorded once; two clocks of one ticket extend its chain in order', async () => {
    const a = await escalated();
    const b = await escalated();
    const [aPec, aRep] = a.clocks;
    const [bPec] = b.clocks;
    const breach = (c: { id: string; generation: number }) => ({ horlogeId: c.id, generation: c.generation, type: 'depassement' as const });

    expect(await firer.fireBatch([breach(aPec), breach(aPec), breach(aRep), breach(bPec), { ...breach(bPec), generation: bPec.generation + 1 }])).toEqual([
      'fired',
      'stale',
      'fired',
      'fired',
      'stale',
    ]);
    expect(await firer.fireBatch([breach(aPec), breach(bPec)])).toEqual(['stale', 'stale']);

    const aEvents = await slaEvents(a.ticketId);
    expect(aEvents.map((e) => [e.type, e.data.horloge])).toEqual([
      ['sla.depassement', 'prise_en_charge'],
      ['sla.depassement', 'reponse'],
    ]);
    expect(aEvents[1].seq).toBe(aEvents[0].seq + 1);
    expect(await slaEvents(b.ticketId)).toHaveLength(1);
    expect(await verifyTimeline(f.scratch.dataSource, 'question', a.ticketId)).toMatchObject({ valide: true });
    expect(await verifyTimeline(f.scratch.dataSource, 'question', b.ticketId)).toMatchObject({ valide: true });
    expect((await outboxRows(a.ticketId)).map((r) => r.id).sort()).toEqual((await f.query(`SELECT id FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%'`, [a.ticketId])).map((r) => r.id).sort());
    const rows = await f.query(`SELECT id, etat, depassee_a FROM sla_horloge WHERE id = ANY($1::uuid[])`, [[aPec.id, aRep.id, bPec.id]]);
    expect(rows.every((r) => r.etat === 'breached' && r.depassee_a !== null)).toBe(true);
    const [{ n }] = await f.query(`SELECT count(*)::int n FROM sla_declenchement WHERE horloge_id = ANY($1::uuid[])`, [[aPec.id, aRep.id, bPec.id]]);
    expect(n).toBe(3);
  });

  it('a key already taken counts as a duplicate and writes nothing, while the rest of the batch fires', async () => {
    const c = await escalated();
    const [pec, rep] = c.clocks;
    // As if another worker had committed this fire without the clock row showing it (it cannot, but the key is the guard).
    await f.query(`INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms) VALUES ($1, $2, 'depassement', now(), 0)`, [pec.id, pec.generation]);
    expect(
      await firer.fireBatch([
        { horlogeId: pec.id, generation: pec.generation, type: 'depassement' },
        { horlogeId: rep.id, generation: rep.generation, type: 'depassement' },
      ]),
    ).toEqual(['duplicate', 'fired']);
    expect((await slaEvents(c.ticketId)).map((e) => e.data.horloge)).toEqual(['reponse']);
    const [clock] = await f.query(`SELECT etat FROM sla_horloge WHERE id = $1`, [pec.id]);
    expect(clock.etat).toBe('running');

    // Of a warning and a breach of one clock, only the warning wins: the clock is warned, not breached.
    const g = await escalated();
    const [, grep] = g.clocks;
    await f.query(`INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms) VALUES ($1, $2, 'depassement', now(), 0)`, [grep.id, grep.generation]);
    expect(
      await firer.fireBatch([
        { horlogeId: grep.id, generation: grep.generation, type: 'avertissement' },
        { horlogeId: grep.id, generation: grep.generation, type: 'depassement' },
      ]),
    ).toEqual(['fired', 'duplicate']);
    const [warned] = await f.query(`SELECT etat, avertie_a, depassee_a FROM sla_horloge WHERE id = $1`, [grep.id]);
    expect(warned).toMatchObject({ etat: 'running', depassee_a: null });
    expect(warned.avertie_a).not.toBeNull();
    expect((await slaEvents(g.ticketId)).map((e) => e.type)).toEqual(['sla.avertissement']);
  });

  it('a warning and the breach of one clock in one batch both land, in that order', async () => {
    const d = await escalated();
    const [, rep] = d.clocks;
    expect(
      await firer.fireBatch([
        { horlogeId: rep.id, generation: rep.generation, type: 'avertissement' },
        { horlogeId: rep.id, generation: rep.generation, type: 'depassement' },
      ]),
    ).toEqual(['fired', 'fired']);
    expect((await slaEvents(d.ticketId)).map((e) => e.type)).toEqual(['sla.avertissement', 'sla.depassement']);
    const [clock] = await f.query(`SELECT etat, avertie_a, depassee_a FROM sla_horloge WHERE id = $1`, [rep.id]);
    expect(clock).toMatchObject({ etat: 'breached' });
    expect(clock.avertie_a).not.toBeNull();
    expect(clock.depassee_a).not.toBeNull();
  });

  it('a fire commits without waiting for the WAL flush, and only the fire does', async () => {
    const e = await escalated();
    const [pec, rep] = e.clocks;
    const dataSource = f.workers[0].get(DataSource);
    const settingsAfter = (fire: (m: EntityManager) => Promise<unknown>) =>
      dataSource.transaction(async (m) => {
        await fire(m);
        const [s] = await m.query(`SELECT current_setting('synchronous_commit') AS commit, current_setting('relais.outbox_silencieux', true) AS quiet`);
        return s;
      });
    expect(await settingsAfter((m) => firer.fireBatchIn(m, [{ horlogeId: pec.id, generation: pec.generation, type: 'depassement' }]))).toEqual({ commit: 'off', quiet: 'on' });
    expect(await settingsAfter((m) => firer.fireIn(m, rep.id, rep.generation, 'depassement'))).toEqual({ commit: 'off', quiet: 'on' });
    // Transaction-local: the next transaction on the pool commits synchronously again.
    const [after] = await dataSource.query(`SELECT current_setting('synchronous_commit') AS commit`);
    expect(after.commit).toBe('on');
    expect((await slaEvents(e.ticketId)).map((x) => x.data.horloge)).toEqual(['prise_en_charge', 'reponse']);
  });

  describe('with a transaction that fails', () => {
    // Fails the first `n` batches that reach the fired-key insert; a sequence, unlike a table, keeps counting across rollbacks.
    const failFirst = async (n: number) => {
      await f.query(`CREATE SEQUENCE IF NOT EXISTS test_fire_failures`);
      await f.query(`SELECT setval('test_fire_failures', 1, false)`);
      await f.query(`
        CREATE OR REPLACE FUNCTION test_fail_fire() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('test_fire_failures') <= ${n} THEN RAISE EXCEPTION 'injected failure'; END IF;
          RETURN NULL;
        END $$`);
      await f.query(`CREATE OR REPLACE TRIGGER test_fail_fire AFTER INSERT ON sla_declenchement FOR EACH STATEMENT EXECUTE FUNCTION test_fail_fire()`);
    };
    afterEach(async () => {
      await f.query(`DROP TRIGGER IF EXISTS test_fail_fire ON sla_declenchement`);
    });

    it('writes nothing for any timer of the batch, and the retried batch fires each once', async () => {
      const e = await escalated();
      const requests = e.clocks.map((c) => ({ horlogeId: c.id, generation: c.generation, type: 'depassement' as const }));
      await failFirst(1);
      await expect(firer.fireBatch(requests)).rejects.toThrow('injected failure');
      expect(await slaEvents(e.ticketId)).toEqual([]);
      expect(await outboxRows(e.ticketId)).toEqual([]);
      const rows = await f.query(`SELECT etat FROM sla_horloge WHERE ticket_id = $1`, [e.ticketId]);
      expect(rows.map((r) => r.etat)).toEqual(['running', 'running']);

      expect(await firer.fireBatch(requests)).toEqual(['fired', 'fired']);
      expect(await firer.fireBatch(requests)).toEqual(['stale', 'stale']);
      expect(await slaEvents(e.ticketId)).toHaveLength(2);
      expect(await outboxRows(e.ticketId)).toHaveLength(2);
    });

    it('through BullMQ: jobs of failed batches are retried and every timer fires exactly once', async () => {
      const tickets = await Promise.all(Array.from({ length: 5 }, () => escalated()));
      const clocks = tickets.flatMap((t) => t.clocks);
      await failFirst(2);
      const now = new Date();
      // The same job ids as the timers armed at escalation (due in 10 hours): replaced by ones due now.
      const timers = clocks.map((c) => ({ horlogeId: c.id, generation: c.generation, type: 'depassement' as const }));
      await f.workers[0].get(SlaTimers).apply({ drop: timers, arm: timers.map((t) => ({ ...t, at: now })) });
      const fired = async () =>
        (await f.query(`SELECT count(*)::int n FROM sla_declenchement WHERE horloge_id = ANY($1::uuid[])`, [clocks.map((c) => c.id)]))[0].n as number;
      await f.waitFor(async () => (await fired()) === clocks.length, 20_000, 'every breach');
      const [{ n: attempts }] = await f.query(`SELECT last_value::int n FROM test_fire_failures`);
      expect(attempts).toBeGreaterThan(2); // the injected failures happened, and fires went on after them
      await new Promise((r) => setTimeout(r, 1500)); // any late retry: still once
      expect(await fired()).toBe(clocks.length);
      for (const t of tickets) {
        expect((await slaEvents(t.ticketId)).map((e) => e.data.horloge).sort()).toEqual(['prise_en_charge', 'reponse']);
        expect(await outboxRows(t.ticketId)).toHaveLength(2);
        expect(await verifyTimeline(f.scratch.dataSource, 'question', t.ticketId)).toMatchObject({ valide: true });
      }
      // The notifications consumer takes SLA fire events (ADR 0013): each is delivered and handled, once.
      const ticketIds = tickets.map((t) => t.ticketId);
      await f.waitFor(async () => {
        const [{ n }] = await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = ANY($1::uuid[]) AND type LIKE 'sla.%' AND processed_at IS NOT NULL`, [ticketIds]);
        return n === clocks.length;
      }, 15_000, 'fire events processed');
      const [{ n: handled }] = await f.query(
        `SELECT count(*)::int n FROM processed_event pe JOIN outbox o ON o.id = pe.event_id
          WHERE pe.consumer = 'notifications' AND o.aggregate_id = ANY($1::uuid[]) AND o.type LIKE 'sla.%'`,
        [ticketIds],
      );
      expect(handled).toBe(clocks.length);
    }, 40_000);
  });
});
