import { Job, Queue, Worker } from 'bullmq';
import { OutboxJob, outboxJobId, OutboxRelay, QueueName, redisOptions } from '@app/core';
import { OutboxRelayService } from '../../apps/worker/src/outbox/outbox-relay.service';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';

/**
 * An outbox event whose BullMQ job ended without processing it is delivered again, whatever
 * way it ended: failed after stalling (the worker holding it killed), failed after its last
 * attempt (a long PostgreSQL outage), or completed while the row stayed unprocessed. BullMQ
 * ignores an add whose job id exists, so before the fix these events were never delivered.
 */
describe('outbox redelivery of ended jobs', () => {
  let f: SlaFixture;
  let queue: Queue<OutboxJob>;
  const connection = () => redisOptions(f.env.REDIS_URL, 'worker') as never;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_outbox_ended', 10, {}, false);
    queue = new Queue(QueueName.Outbox, { connection: connection(), prefix: f.env.QUEUE_PREFIX, defaultJobOptions: { attempts: 2, backoff: { type: 'fixed', delay: 10 } } });
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await f?.close();
  });

  /** An escalated question; returns its id and the id of its escalation's outbox event. */
  async function escalated(token: string, eceau: string): Promise<{ question: string; event: string }> {
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
    expect(q.status).toBe(201);
    expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
    const [{ id }] = await f.query(`SELECT id FROM outbox WHERE aggregate_id = $1 AND type = 'question.escaladee'`, [q.body.id]);
    return { question: q.body.id, event: id };
  }

  /** A stand-in for a worker of the outbox queue, doing `work` with the jobs it takes. */
  async function workerThat(work: (job: Job) => Promise<unknown>, options: { lockDuration?: number; stalledInterval?: number; maxStalledCount?: number; autorun?: boolean } = {}) {
    return new Worker(QueueName.Outbox, work, { connection: connection(), prefix: f.env.QUEUE_PREFIX, ...options });
  }

  async function stateOf(eventId: string): Promise<string> {
    return queue.getJobState(outboxJobId(eventId));
  }

  it('delivers again an event whose job failed by stalling, failed by attempts or completed unprocessed; its clocks exist once', async () => {
    const token = await f.api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);

    // 1. Stalled too often: a worker takes the job and is killed (its lock is never renewed),
    // twice; past maxStalledCount (1, BullMQ's default) the next worker to fetch it fails it
    // ("job stalled more than allowable limit").
    const stalled = await escalated(token, eceau);
    // Only escalations get a job here: each stand-in worker below must take the one it is given.
    const relay = new OutboxRelay(f.scratch.dataSource, queue, { pollMs: 60_000, databaseUrl: f.scratch.url, delivers: (type) => type === 'question.escaladee' });
    await relay.relayBatch();
    // (Short stalled intervals everywhere: a check sets a key that holds every check back for its interval.)
    const checker = await workerThat(() => new Promise(() => undefined), { stalledInterval: 300, maxStalledCount: 1, autorun: false });
    void checker.startStalledCheckTimer();
    try {
      for (let kill = 1; kill <= 2; kill++) {
        const dying = await workerThat(() => new Promise(() => undefined), { lockDuration: 1000, stalledInterval: 300, maxStalledCount: 1 });
        await f.waitFor(async () => (await stateOf(stalled.event)) === 'active', 10_000, 'the job taken');
        await dying.close(true);
        await f.waitFor(async () => (await stateOf(stalled.event)) !== 'active', 10_000, 'the job found stalled');
      }
    } finally {
      await checker.close(true);
    }
    // Stalled once too often, the job is failed by the next worker that fetches it.
    const next = await workerThat(async () => undefined);
    await f.waitFor(async () => (await stateOf(stalled.event)) === 'failed', 10_000, 'the job failed as stalled');
    await next.close();
    expect((await queue.getJob(outboxJobId(stalled.event)))?.failedReason).toMatch(/stalled/);

    // 2. Out of attempts: each one failed as a query does while PostgreSQL is away.
    const exhausted = await escalated(token, eceau);
    await relay.relayBatch();
    const failing = await workerThat(async () => {
      throw new Error('Connection terminated unexpectedly');
    });
    await f.waitFor(async () => (await stateOf(exhausted.event)) === 'failed', 10_000, 'the job out of attempts');
    await failing.close();
    expect((await queue.getJob(outboxJobId(exhausted.event)))?.attemptsMade).toBe(2);

    // 3. Completed, the row still unprocessed.
    const completed = await escalated(token, eceau);
    await relay.relayBatch();
    const idle = await workerThat(async () => undefined);
    await f.waitFor(async () => (await stateOf(completed.event)) === 'completed', 10_000, 'the job completed');
    await idle.close();

    const events = [stalled.event, exhausted.event, completed.event];
    const questions = [stalled.question, exhausted.question, completed.question];
    const unprocessed = await f.query(`SELECT id FROM outbox WHERE id = ANY($1::uuid[]) AND processed_at IS NULL`, [events]);
    expect(unprocessed).toHaveLength(3);

    // The worker's relay sends again what was published a minute ago and is still unprocessed.
    await f.query(`UPDATE outbox SET published_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`, [events]);
    const worker = await f.startWorker();
    await worker.get(OutboxRelayService).relay.redeliverLost();
    await f.waitFor(
      async () => (await f.query(`SELECT count(*)::int n FROM outbox WHERE id = ANY($1::uuid[]) AND processed_at IS NOT NULL`, [events]))[0].n === 3,
      20_000,
      'the three events processed',
    );
    const consumed = await f.query(`SELECT count(*)::int n FROM processed_event WHERE consumer = 'sla' AND event_id = ANY($1::uuid[])`, [events]);
    expect(consumed[0].n).toBe(3);
    const clocks = await f.query(
      `SELECT ticket_id, horloge, count(*)::int n FROM sla_horloge WHERE ticket_id = ANY($1::uuid[]) GROUP BY ticket_id, horloge ORDER BY ticket_id, horloge`,
      [questions],
    );
    expect(clocks.map((c) => c.horloge)).toEqual(expect.arrayContaining(['prise_en_charge', 'reponse']));
    expect(new Set(clocks.map((c) => c.ticket_id)).size).toBe(3);
    expect(clocks.every((c) => c.n === 1)).toBe(true);

    // Sent again a second time: nothing more (the event is processed, consumers are idempotent).
    await f.query(`UPDATE outbox SET published_at = now() - interval '2 minutes' WHERE id = ANY($1::uuid[])`, [events]);
    expect(await worker.get(OutboxRelayService).relay.redeliverLost()).toBe(0);
  }, 90_000);
});
