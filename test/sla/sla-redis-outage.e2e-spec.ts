import { Logger } from '@nestjs/common';
import { SlaTimers } from '@app/sla';
import { EMAILS, questionBody } from '../questions/fixtures';
import { OwnRedis } from '../setup/own-servers';
import { SlaFixture } from './sla-fixture';

/** Port of this suite's own Redis (helper range 6570-6579). */
const REDIS_PORT = 6570;
const RECONCILE_MS = 1000;
/** Long enough for BullMQ's default reconnection backoff to grow to many seconds. */
const OUTAGE_MS = 20_000;

/**
 * Redis killed for a while, then back empty (no persistence): the worker reconnects within a
 * couple of seconds (bounded backoff), the watchdog restores the reconciler's scheduler once
 * (its checks never overlap, however long each waits for Redis), the reconciler re-arms every
 * timer once, and the outage is logged as JSON lines rate-limited per connection — no raw stack
 * on stderr.
 */
describe('SLA worker across a Redis outage', () => {
  let redis: OwnRedis;
  let f: SlaFixture;
  let warn: jest.SpyInstance;
  let consoleError: jest.SpyInstance;

  beforeAll(async () => {
    redis = await OwnRedis.start(REDIS_PORT);
    f = await SlaFixture.start('relais_test_sla_redis_outage', 14, { REDIS_URL: redis.url, SLA_RECONCILE_MS: String(RECONCILE_MS) });
  }, 90_000);

  afterAll(async () => {
    warn?.mockRestore();
    consoleError?.mockRestore();
    await f?.close();
    await redis?.destroy();
  });

  it('recovers within a reconcile period or two, restores the scheduler once, re-arms each timer once, logs an outage line per connection', async () => {
    await f.setTargets({ prise_en_charge: 600, reponse: 1200 });
    const token = await f.api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    for (let i = 0; i < 10; i++) {
      const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
      expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
    }
    // Two clocks per escalation, each with a warning and a due timer.
    const wanted = 40;
    const countTimers = () => f.workers[0].get(SlaTimers).count();
    await f.waitFor(async () => (await f.query(`SELECT count(*)::int n FROM sla_horloge WHERE etat = 'running'`))[0].n === 20, 20_000, 'the clocks');
    await f.waitFor(async () => (await countTimers()) === wanted, 20_000, 'the timers armed');

    warn = jest.spyOn(Logger.prototype, 'warn');
    consoleError = jest.spyOn(console, 'error');
    await redis.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await redis.startAgain();
    const back = Date.now();
    await f.waitFor(async () => (await countTimers().catch(() => 0)) === wanted, 20_000, 'every timer re-armed');
    const recoveryMs = Date.now() - back;
    // Let any piled-up watchdog check or second pass show itself.
    await new Promise((r) => setTimeout(r, 4 * RECONCILE_MS));

    const calls = warn.mock.calls.map((args) => ({ fields: typeof args[0] === 'object' ? (args[0] as Record<string, any>) : {}, msg: String((args as unknown[]).find((a) => typeof a === 'string') ?? '') }));
    const missing = calls.filter((c) => /scheduler missing/.test(c.msg));
    expect(missing).toHaveLength(1);
    const rearmed = calls.filter((c) => c.msg === 'SLA timers re-armed').reduce((n, c) => n + Number(c.fields.rearmed ?? 0), 0);
    expect(rearmed).toBe(wanted);
    // Bounded reconnection: back within the retry cap (2 s) plus a period or two of the reconciler.
    expect(recoveryMs).toBeLessThan(2000 + 3 * RECONCILE_MS + 3000);

    // One line per connection for a 20 s outage (the next would come after a minute), as JSON
    // logs; the API and the worker each hold a queue of some names, hence at most two.
    const outage = calls.filter((c) => c.fields.connection && /Redis unreachable|queue worker error/.test(c.msg));
    expect(outage.length).toBeGreaterThan(0);
    const perConnection = new Map<string, number>();
    for (const c of outage) perConnection.set(c.fields.connection, (perConnection.get(c.fields.connection) ?? 0) + 1);
    expect([...perConnection.entries()].filter(([, n]) => n > 2)).toEqual([]);
    expect(consoleError.mock.calls.filter((args) => /ECONNREFUSED|Connection is closed/.test(String(args[0]?.message ?? args[0])))).toEqual([]);
  }, 120_000);
});
