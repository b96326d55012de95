import { FirePressure } from '../../apps/worker/src/sla/fire-pressure';
import { OUTBOX_WORKER_OPTIONS, OutboxProcessor } from '../../apps/worker/src/outbox/outbox.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/**
 * While the worker fires SLA timers, its outbox worker takes fewer jobs at once, so that the
 * breaches' consumers do not hold the next fires back (issue #17); it takes them all again
 * once the fires are over, and the breaches' notifications follow.
 */
describe('outbox worker yielding to SLA fires', () => {
  let f: SlaFixture;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_fire_pressure', 11, { OUTBOX_CONCURRENCY_DURING_FIRES: '2' });
  }, 60_000);

  afterAll(() => f?.close());

  it('lowers the outbox concurrency while a breach fires, restores it after, and the breach is notified', async () => {
    const worker = f.workers[0];
    const outbox = worker.get(OutboxProcessor);
    const seen: Array<[boolean, number]> = [];
    // Registered after the processor's own listener: sees the concurrency it set.
    worker.get(FirePressure).onChange((busy) => seen.push([busy, outbox.worker.concurrency]));
    expect(outbox.worker.concurrency).toBe(OUTBOX_WORKER_OPTIONS.concurrency);

    await f.setTargets({ prise_en_charge: 0.02, reponse: 60 }); // prise en charge due in 1.2 s
    const token = await f.api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
    expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);

    await f.waitFor(
      async () => (await f.query(`SELECT 1 FROM timeline_event WHERE ticket_id = $1 AND type = 'sla.depassement'`, [q.body.id])).length > 0,
      15_000,
      'the breach fired',
    );
    await f.waitFor(async () => seen.length >= 2, 5_000, 'the pressure over');
    expect(seen.slice(0, 2)).toEqual([
      [true, 2],
      [false, OUTBOX_WORKER_OPTIONS.concurrency],
    ]);
    // The breach's consumers ran: its event handled, the holder's manager notified.
    await f.waitFor(
      async () => (await f.query(`SELECT 1 FROM outbox WHERE aggregate_id = $1 AND type = 'sla.depassement' AND processed_at IS NOT NULL`, [q.body.id])).length > 0,
      10_000,
      'the breach event handled',
    );
  }, 60_000);
});
