import { waitFor } from '../setup/wait-for';
import { checkInvariants, FaultStack, statusesBetween, SteadyLoad } from './harness';

/** This suite's own servers (helper range 5450–5499 / 6450–6499). */
const PG_PORT = 5450;
const REDIS_PORT = 6450;
/** How long PostgreSQL stays down: long enough for a few dozen requests to meet it. */
const DOWN_MS = 4_000;

/**
 * Issue #17, fault 1: PostgreSQL restarted under a steady load. Requests meanwhile get 503
 * problem+json (never a 500), Relais recovers without being restarted, and no ticket is
 * half-written; then every invariant of the fault suite holds.
 */
describe('fault: PostgreSQL restarted under load', () => {
  let stack: FaultStack;

  // Under `npm test` / .ci/run dist/ is already built; alone, the build may take minutes on a loaded machine.
  beforeAll(() => FaultStack.build(), 420_000);

  beforeAll(async () => {
    const started = Date.now();
    stack = await FaultStack.start({ pgPort: PG_PORT, redisPort: REDIS_PORT, name: 'faults_pg', apis: 1, workers: 1 });
    console.log(`stack up in ${Date.now() - started} ms`);
  }, 180_000);

  afterAll(() => stack?.close(), 60_000);

  it('answers 503 problem+json while it is down, recovers without a restart of Relais, loses and half-writes nothing', async () => {
    const load = new SteadyLoad(stack);
    await load.start();
    await load.created(6);

    const down = Date.now();
    stack.pg.stop('fast');
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await stack.pg.startAgain();
    const up = Date.now();
    // Recovery: creations go through again, on the same processes.
    await load.created(6, 60_000);
    const recoveredMs = load.record.timeline.find((e) => e.at > up && e.status === '201')!.at - up;
    const seen = await load.stop();

    const during = statusesBetween(seen, down, up);
    expect(during['503']).toBeGreaterThan(0);
    expect(seen.violations).toEqual([]);
    expect(Object.keys(seen.statuses).filter((s) => !['200', '201', '409', '503'].includes(s))).toEqual([]);
    expect(stack.alive()).toEqual([]);

    // A fast recovery can end the load before any breach is due (a CI run on 2026-12-07: 0
    // breaches, 3 warnings): wait until one is, so that the breaches' invariants check something.
    await waitFor(async () => (await stack.query(`SELECT count(*)::int n FROM sla_horloge WHERE echeance < now()`))[0].n > 0, 'a breach due', { timeoutMs: 60_000 });
    const report = await checkInvariants(stack, seen);
    console.log(JSON.stringify({ scenario: 'postgres-restart', statuses: seen.statuses, during, recoveredMs, ...report }));
    expect(report.fires.depassement).toBeGreaterThan(0);
  }, 300_000);
});
