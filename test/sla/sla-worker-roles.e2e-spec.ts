import { OUTBOX_WORKER_OPTIONS, OutboxProcessor } from '../../apps/worker/src/outbox/outbox.processor';
import { FirePressure } from '../../apps/worker/src/sla/fire-pressure';
import { SlaTimerProcessor } from '../../apps/worker/src/sla/sla-timer.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/**
 * WORKER_ROLE (issue #17): the SLA timers in a process of their own (`timers`), everything else
 * in another (`events`). Neither does the other's work; together they fire every breach once,
 * and the timers' process wakes the other's outbox relay (a NOTIFY), so the breaches are
 * handled at once, not at the relay's next poll; and the events' process yields to the timers'
 * burst of fires through Redis (SharedFirePressure), as one process yields to its own.
 */
describe('worker roles: SLA timers and events in separate processes', () => {
  let f: SlaFixture;
  let token: string;
  let eceau: string;

  beforeAll(async () => {
    // A relay that polls once a minute: only a wake-up can bring a breach's event to it sooner.
    f = await SlaFixture.start('relais_test_sla_worker_roles', 8, { OUTBOX_POLL_MS: '60000', OUTBOX_CONCURRENCY_DURING_FIRES: '2' }, false);
    token = await f.api.login(EMAILS.agentCarcassonne);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    await f.setTargets({ prise_en_charge: 0.02, reponse: 60 }); // prise en charge due 1.2 s after escalation
  }, 60_000);

  afterAll(() => f?.close());

  const breached = async (ids: string[]) =>
    (await f.query(`SELECT count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) AND d.type = 'depassement'`, [ids]))[0].n;
  const handled = async (ids: string[]) =>
    (await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = ANY($1::uuid[]) AND type = 'sla.depassement' AND processed_at IS NOT NULL`, [ids]))[0].n;
  const running = async (ids: string[]) =>
    (await f.query(`SELECT count(*)::int n FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) AND horloge = 'prise_en_charge' AND etat = 'running'`, [ids]))[0].n;

  it('an events worker arms the clocks but fires none; a timers worker then fires each breach once, handled at once by the events worker', async () => {
    const events = await f.startWorker({ WORKER_ROLE: 'events' });
    expect(() => events.get(SlaTimerProcessor)).toThrow();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
      expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
      ids.push(q.body.id);
    }
    // The escalations' events reach the events worker on their NOTIFY: it starts the clocks.
    await f.waitFor(async () => (await running(ids)) === ids.length, 10_000, 'the clocks running');
    await new Promise((r) => setTimeout(r, 2_500)); // every prise en charge now overdue
    expect(await breached(ids)).toBe(0);

    // What the events' worker sees of the timers' burst, and the outbox concurrency it then sets.
    const outbox = events.get(OutboxProcessor);
    const seen: Array<[boolean, number]> = [];
    events.get(FirePressure).onChange((busy) => seen.push([busy, outbox.worker.concurrency]));
    // Every timer is due: the timers' worker takes them together, the first alone, the rest as a batch (a burst).
    const timers = await f.startWorker({ WORKER_ROLE: 'timers' });
    expect(() => timers.get(OutboxProcessor)).toThrow();
    await f.waitFor(async () => (await breached(ids)) === ids.length, 10_000, 'the breaches fired');
    // Fires skip the outbox NOTIFY; the timers' worker sends one of its own, well before the 60 s poll.
    await f.waitFor(async () => (await handled(ids)) === ids.length, 5_000, 'their events handled');
    await f.waitFor(async () => seen.length >= 2, 5_000, 'the shared pressure over');
    expect(seen.slice(0, 2)).toEqual([
      [true, 2],
      [false, OUTBOX_WORKER_OPTIONS.concurrency],
    ]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await breached(ids)).toBe(ids.length);
    const [{ n: timeline }] = await f.query(`SELECT count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type = 'sla.depassement'`, [ids]);
    expect(timeline).toBe(ids.length);
  }, 60_000);

  it('a timers worker alone leaves the outbox to the events worker: its events wait for it', async () => {
    await f.workers[0].close(); // the events worker
    f.workers.splice(0, 1);
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
    await new Promise((r) => setTimeout(r, 1_500));
    const [{ n: waiting }] = await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = $1 AND processed_at IS NULL`, [q.body.id]);
    expect(waiting).toBeGreaterThan(0);
    await f.startWorker({ WORKER_ROLE: 'events' });
    await f.waitFor(
      async () => (await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = $1 AND processed_at IS NULL`, [q.body.id]))[0].n === 0,
      10_000,
      'the events handled once an events worker runs',
    );
  }, 40_000);
});
