import { FirePressure } from '../../apps/worker/src/sla/fire-pressure';
import { OUTBOX_WORKER_OPTIONS, OutboxProcessor } from '../../apps/worker/src/outbox/outbox.processor';
import { SlaTimerProcessor } from '../../apps/worker/src/sla/sla-timer.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';

/**
 * While the worker fires a burst of SLA timers, its outbox worker takes fewer jobs at once, so
 * that the breaches' consumers do not hold the next fires back (issue #17, ADR 0027); it takes
 * them all again once the burst is over, and the breaches are notified. A lone fire changes
 * nothing.
 */
describe('outbox worker yielding to a burst of SLA fires', () => {
  let f: SlaFixture;
  let token: string;
  let eceau: string;
  const seen: Array<[boolean, number]> = [];

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sla_fire_pressure', 11, { OUTBOX_CONCURRENCY_DURING_FIRES: '2' });
    const outbox = f.workers[0].get(OutboxProcessor);
    // Registered after the processor's own listener: sees the concurrency it set.
    f.workers[0].get(FirePressure).onChange((busy) => seen.push([busy, outbox.worker.concurrency]));
    token = await f.api.login(EMAILS.agentCarcassonne);
    [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    await f.setTargets({ prise_en_charge: 0.02, reponse: 60 }); // prise en charge due 1.2 s after escalation
  }, 60_000);

  afterAll(() => f?.close());

  async function escalated(): Promise<string> {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
    expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
    return q.body.id;
  }

  const breached = async (ids: string[]) =>
    (await f.query(`SELECT count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type = 'sla.depassement'`, [ids]))[0].n;
  const handled = async (ids: string[]) =>
    (await f.query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = ANY($1::uuid[]) AND type = 'sla.depassement' AND processed_at IS NOT NULL`, [ids]))[0].n;

  it('a lone breach fires and is handled with the outbox worker left at full concurrency', async () => {
    const id = await escalated();
    await f.waitFor(async () => (await breached([id])) === 1, 15_000, 'the breach fired');
    await f.waitFor(async () => (await handled([id])) === 1, 10_000, 'its event handled');
    expect(seen).toEqual([]);
    expect(f.workers[0].get(OutboxProcessor).worker.concurrency).toBe(OUTBOX_WORKER_OPTIONS.concurrency);
  }, 30_000);

  it('a burst of breaches lowers the outbox concurrency while it fires, restores it after, and every breach is handled', async () => {
    // The timers' worker stops taking jobs while the breaches fall due, then takes them all at
    // once: the first fires alone, the others wait behind it and go as one batch.
    const timers = f.workers[0].get(SlaTimerProcessor).worker;
    await timers.pause(true);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await escalated());
    await new Promise((r) => setTimeout(r, 2_000));
    timers.resume();
    await f.waitFor(async () => (await breached(ids)) === ids.length, 15_000, 'the breaches fired');
    await f.waitFor(async () => seen.length >= 2, 5_000, 'the pressure over');
    expect(seen.slice(0, 2)).toEqual([
      [true, 2],
      [false, OUTBOX_WORKER_OPTIONS.concurrency],
    ]);
    await f.waitFor(async () => (await handled(ids)) === ids.length, 15_000, 'their events handled');
  }, 60_000);
});
