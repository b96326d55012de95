import { SlaConsumer } from '@app/sla';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/**
 * Clocks derived long after their event (issue 11, §8: the in-request step failed and the
 * worker was away): due from the event's time, and a warning and breach already past fire at
 * once, each once.
 */
describe('SLA clocks started late by the outbox consumer', () => {
  let f: SlaFixture;
  let agent: string;
  let eceau: string;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_late', 15, {}, false);
    agent = await f.api.login(EMAILS.agentCarcassonne);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
  }, 60_000);

  afterAll(() => f?.close());

  it('the transition still commits when the in-request derivation fails; the consumer later dates the clocks from the event and fires what is past, once', async () => {
    await f.setTargets({ prise_en_charge: 0.02, reponse: 0.03 }); // 1.2 s and 1.8 s, warnings at 75 %
    const consumer = f.api.app.get(SlaConsumer, { strict: false });
    const failing = jest.spyOn(consumer, 'apply').mockRejectedValue(new Error('panne simulée'));
    const questions: Array<{ id: string; escaladeeAt: number }> = [];
    for (let k = 0; k < 6; k++) {
      const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
      const escalated = await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
      expect(escalated.status).toBe(200);
      expect(escalated.body.statut).toBe('escaladee');
      expect(escalated.body.sla).toEqual([]); // left to the consumer, nothing half-written
      questions.push({ id: q.body.id, escaladeeAt: new Date(escalated.body.escaladeeAt).getTime() });
    }
    failing.mockRestore();
    expect(await f.query(`SELECT seq FROM sla_curseur WHERE ticket_id = $1`, [questions[0].id])).toEqual([{ seq: 0 }]);

    await new Promise((r) => setTimeout(r, 2500)); // every warning and due time passes with no worker
    // Two workers, as after a crash and a restart: a warning and a breach due together may be
    // fired by different workers, in either order.
    const workerStarted = Date.now();
    await Promise.all([f.startWorker(), f.startWorker()]);
    const ids = questions.map((q) => q.id);
    const slaEvents = () => f.query(`SELECT ticket_id, type, data FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type LIKE 'sla.%' ORDER BY ticket_id, seq`, [ids]);
    await f.waitFor(async () => {
      const fired = await f.query(`SELECT count(*)::int n FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) AND etat = 'breached'`, [ids]);
      return fired[0].n === ids.length * 2;
    }, 15_000, 'every clock breached');
    await new Promise((r) => setTimeout(r, 2500)); // any late fire, a reconciler pass: all in
    expect(Date.now() - workerStarted).toBeLessThan(20_000);
    const events = await slaEvents();
    for (const q of questions) {
      // Each clock warned and breached, once each.
      expect(events.filter((e) => e.ticket_id === q.id).map((e) => `${e.data.horloge} ${e.type}`).sort()).toEqual([
        'prise_en_charge sla.avertissement',
        'prise_en_charge sla.depassement',
        'reponse sla.avertissement',
        'reponse sla.depassement',
      ]);
      // Due from the escalation's time, not from when the consumer got to it.
      const clocks = await f.query(`SELECT horloge, etat, demarree_a, echeance, avertie_a, depassee_a FROM sla_horloge WHERE ticket_id = $1 ORDER BY horloge`, [q.id]);
      expect(clocks.map((c) => [c.horloge, c.etat, new Date(c.demarree_a).getTime() - q.escaladeeAt, new Date(c.echeance).getTime() - q.escaladeeAt])).toEqual([
        ['prise_en_charge', 'breached', 0, 1200],
        ['reponse', 'breached', 0, 1800],
      ]);
      for (const c of clocks) {
        expect(c.avertie_a).not.toBeNull();
        expect(new Date(c.depassee_a).getTime()).toBeGreaterThanOrEqual(workerStarted);
      }
    }
    const fired = await f.query(`SELECT type, retard_ms FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[])`, [ids]);
    expect(fired).toHaveLength(ids.length * 4);
    for (const x of fired) expect(x.retard_ms).toBeGreaterThan(500);
  }, 60_000);

  it('a clock started and met late in one backlog, met after its due time, is met late (breached as of its due time), not on time', async () => {
    await f.setTargets({ prise_en_charge: 0.02, reponse: 0.03 }); // 1.2 s and 1.8 s
    for (const w of f.workers.splice(0)) await w.close();
    const referent = await f.api.login(EMAILS.referentTourisme);
    const consumer = f.api.app.get(SlaConsumer, { strict: false });
    const failing = jest.spyOn(consumer, 'apply').mockRejectedValue(new Error('panne simulée'));
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    const escalated = await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
    await new Promise((r) => setTimeout(r, 2500)); // past both due times, no worker
    const answered = await f.api.post(`/api/v1/questions/${q.body.id}/repondre`, { reponse: 'Oui.' }, { token: referent });
    failing.mockRestore();
    expect(answered.status).toBe(200);
    await f.startWorker();
    const clocks = await f.waitFor(async () => {
      const rows = await f.query(`SELECT horloge, etat, echeance, depassee_a, atteinte_a FROM sla_horloge WHERE ticket_id = $1 ORDER BY horloge`, [q.body.id]);
      return rows.length === 3 ? rows : null;
    }, 15_000, 'clocks');
    const escaladeeAt = new Date(escalated.body.escaladeeAt).getTime();
    const byKind = Object.fromEntries(clocks.map((c) => [c.horloge, c]));
    for (const [kind, ms] of [['prise_en_charge', 1200], ['reponse', 1800]] as const) {
      expect(byKind[kind].etat).toBe('met');
      expect(new Date(byKind[kind].echeance).getTime() - escaladeeAt).toBe(ms);
      expect(byKind[kind].depassee_a).toEqual(byKind[kind].echeance);
    }
    expect(byKind.relais.etat).toBe('running');
  }, 60_000);
});
