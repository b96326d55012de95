import { checkInvariants, FaultStack, statusesBetween, SteadyLoad } from './harness';

/** This suite's own servers (helper range 5450–5499 / 6450–6499). */
const PG_PORT = 5451;
const REDIS_PORT = 6451;
/** The outage: 30 s, then Redis back empty (no persistence: every job and timer lost). */
const DOWN_MS = 30_000;

/**
 * Issue #17, fault 2: Redis killed for 30 s under a steady load, then started empty. Writes
 * still commit (PostgreSQL is the truth) or fail cleanly, the outbox backs up then drains, no
 * timer is lost (the reconciler re-arms them from the clock rows) and every breach that fell due
 * meanwhile fires, once; then every invariant of the fault suite holds.
 */
describe('fault: Redis stopped for 30 s under load, then back empty', () => {
  let stack: FaultStack;

  // Under `npm test` / .ci/run dist/ is already built; alone, the build may take minutes on a loaded machine.
  beforeAll(() => FaultStack.build(), 420_000);

  beforeAll(async () => {
    const started = Date.now();
    stack = await FaultStack.start({ pgPort: PG_PORT, redisPort: REDIS_PORT, name: 'faults_redis', apis: 1, workers: 1 });
    console.log(`stack up in ${Date.now() - started} ms`);
  }, 180_000);

  afterAll(() => stack?.close(), 60_000);

  it('keeps committing, backs the outbox up and drains it, re-arms every timer and fires every due breach once', async () => {
    const load = new SteadyLoad(stack);
    await load.start();
    await load.created(6);

    const down = Date.now();
    await stack.redis.stop();
    // The outbox backs up: rows committed meanwhile stay unpublished.
    let backlog = 0;
    const sampling = (async () => {
      while (Date.now() - down < DOWN_MS) {
        const [{ n }] = await stack.query(`SELECT count(*)::int n FROM outbox WHERE published_at IS NULL`);
        backlog = Math.max(backlog, n);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    await sampling;
    const createdDuring = load.record.questions.size + load.record.commandes.size;
    await stack.redis.startAgain();
    const up = Date.now();
    await load.created(6, 60_000);
    const seen = await load.stop();

    const during = statusesBetween(seen, down, up);
    // Writes went on committing while Redis was away.
    expect(during['201']).toBeGreaterThan(0);
    expect(backlog).toBeGreaterThan(0);
    expect(seen.violations).toEqual([]);
    expect(Object.keys(seen.statuses).filter((s) => !['200', '201', '409', '503'].includes(s))).toEqual([]);
    expect(stack.alive()).toEqual([]);

    const report = await checkInvariants(stack, seen, { drainTimeoutMs: 120_000 });
    // Breaches that fell due while Redis was away (their timers were lost with it) fired, once.
    const [{ n: lateBreaches }] = await stack.query(
      `SELECT count(*)::int n FROM sla_declenchement WHERE type = 'depassement' AND at > $1 AND at - make_interval(secs => retard_ms / 1000.0) < $2`,
      [new Date(up), new Date(up)],
    );
    console.log(JSON.stringify({ scenario: 'redis-outage', statuses: seen.statuses, during, backlog, createdDuring, lateBreaches, ...report }));
    expect(lateBreaches).toBeGreaterThan(0);
  }, 360_000);
});
