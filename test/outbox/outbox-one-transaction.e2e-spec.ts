import { randomUUID } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, OutboxConsumer, OutboxEvent, OutboxJob, outboxJobId, QueueName, redisOptions } from '@app/core';
import { OutboxProcessor } from '../../apps/worker/src/outbox/outbox.processor';
import { FirePressure } from '../../apps/worker/src/sla/fire-pressure';
import { EMAILS, questionBody } from '../questions/fixtures';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TEST_APP_ROLE, testRedisUrl } from '../setup/test-env';
import { waitFor } from '../setup/wait-for';
import { SlaFixture } from '../sla/sla-fixture';

const REDIS_DB = 1;
const TYPE = 'essai.evenement';
const TYPE_SEUL = 'essai.seul';

/**
 * A consumer that writes, in the transaction it is given, a row saying which transaction that
 * was (pg_current_xact_id is the top-level transaction's id, savepoints included); it throws
 * after writing while `failing`. Its action after commit reads, on another connection, whether
 * its row and the event's processed_at are visible by then.
 */
class RecordingConsumer implements OutboxConsumer {
  calls = 0;
  failing = false;
  seenAfterCommit: Array<{ effect: boolean; processed: boolean }> = [];

  constructor(
    readonly name: string,
    private readonly types: string[],
    private readonly dataSource: DataSource,
  ) {}

  handles(type: string): boolean {
    return this.types.includes(type);
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<() => Promise<void>> {
    this.calls++;
    await manager.query(`INSERT INTO essai_effet (consumer, event_id, xact, at) VALUES ($1, $2, pg_current_xact_id()::text, now())`, [this.name, event.eventId]);
    if (this.failing) throw new Error('panne simulée');
    return async () => {
      const [seen] = await this.dataSource.query(
        `SELECT EXISTS (SELECT 1 FROM essai_effet WHERE consumer = $1 AND event_id = $2) AS effect,
                EXISTS (SELECT 1 FROM outbox WHERE id = $2 AND processed_at IS NOT NULL) AS processed`,
        [this.name, event.eventId],
      );
      this.seenAfterCommit.push(seen);
    };
  }
}

/**
 * The outbox worker delivers an event to all its consumers in one transaction, at once on the
 * first attempt; after a failure, each consumer in a savepoint with its claim: a failing
 * consumer is rolled back alone and retried alone.
 */
describe('outbox delivery in one transaction per event (consumers in savepoints)', () => {
  let scratch: ScratchDatabase;
  let queue: Queue<OutboxJob>;
  let worker: Worker<OutboxJob>;
  let a: RecordingConsumer, b: RecordingConsumer, c: RecordingConsumer, seul: RecordingConsumer;
  const prefix = 'relais-test-outbox-tx';

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_outbox_tx');
    await scratch.ownerQuery(`CREATE TABLE essai_effet (consumer text NOT NULL, event_id uuid NOT NULL, xact text NOT NULL, at timestamptz NOT NULL)`);
    await scratch.ownerQuery(`GRANT SELECT, INSERT ON essai_effet TO ${TEST_APP_ROLE}`);
    a = new RecordingConsumer('essai-a', [TYPE], scratch.dataSource);
    b = new RecordingConsumer('essai-b', [TYPE], scratch.dataSource);
    c = new RecordingConsumer('essai-c', [TYPE], scratch.dataSource);
    seul = new RecordingConsumer('essai-seul', [TYPE_SEUL], scratch.dataSource);
    const processor = new OutboxProcessor(scratch.dataSource, new AppConfig(), new FirePressure(), [a, b, c, seul]);
    const connection = redisOptions(testRedisUrl(REDIS_DB), 'worker') as never;
    queue = new Queue(QueueName.Outbox, { connection, prefix, defaultJobOptions: { attempts: 50, backoff: { type: 'fixed', delay: 100 } } });
    await queue.obliterate({ force: true });
    worker = new Worker(QueueName.Outbox, (job: Job<OutboxJob>) => processor.process(job), { connection, prefix });
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await scratch?.drop();
  });

  beforeEach(() => {
    for (const consumer of [a, b, c, seul]) Object.assign(consumer, { calls: 0, failing: false, seenAfterCommit: [] });
  });

  /** An outbox row of `type`, and its job. */
  async function deliver(type: string): Promise<string> {
    const id = randomUUID();
    await scratch.ownerQuery(
      `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at, published_at) VALUES ($1, $2, 'question', $3, '{}', now(), now())`,
      [id, type, randomUUID()],
    );
    await queue.add('outbox', { eventId: id, type, aggregateType: 'question', aggregateId: randomUUID() }, { jobId: outboxJobId(id) });
    return id;
  }

  /** The statements the processor's DataSource sends from now until `stop` (the consumers' included). */
  function recordStatements(): { list: string[]; stop: () => void } {
    const logger = scratch.dataSource.logger;
    const original = logger.logQuery;
    const list: string[] = [];
    logger.logQuery = (query, parameters, runner) => {
      list.push(query.replace(/\s+/g, ' ').trim());
      return original.call(logger, query, parameters, runner);
    };
    return { list, stop: () => (logger.logQuery = original) };
  }

  const job = async (id: string) => (await queue.getJob(outboxJobId(id)))!;
  const effects = (id: string) => scratch.ownerQuery<{ consumer: string; xact: string; at: Date }>(`SELECT consumer, xact, at FROM essai_effet WHERE event_id = $1 ORDER BY consumer`, [id]);
  const claims = (id: string) => scratch.ownerQuery<{ consumer: string; processed_at: Date }>(`SELECT consumer, processed_at FROM processed_event WHERE event_id = $1 ORDER BY consumer`, [id]);
  const processedAt = async (id: string) => (await scratch.ownerQuery<{ processed_at: Date | null }>(`SELECT processed_at FROM outbox WHERE id = $1`, [id]))[0].processed_at;

  it('commits every consumer, their claims and processed_at in one transaction, and runs the actions after that commit', async () => {
    const statements = recordStatements();
    const id = await deliver(TYPE);
    await waitFor(async () => (await job(id)).isCompleted(), 'the job completed', { timeoutMs: 10_000 });
    statements.stop();

    // The first attempt pays no savepoint (ADR 0028): BEGIN, one statement reading the event,
    // claiming it for the three consumers and marking it processed, their three writes, COMMIT.
    const delivery = statements.list.filter((q) => !/^SELECT EXISTS/.test(q));
    expect(delivery.filter((q) => /SAVEPOINT/.test(q))).toEqual([]);
    expect(delivery).toHaveLength(6);
    expect(delivery.filter((q) => /INSERT INTO essai_effet/.test(q))).toHaveLength(3);

    const rows = await effects(id);
    expect(rows.map((r) => r.consumer)).toEqual(['essai-a', 'essai-b', 'essai-c']);
    // One transaction: one top-level transaction id, one now() for the effects, the claims and processed_at.
    expect(new Set(rows.map((r) => r.xact)).size).toBe(1);
    const claimed = await claims(id);
    expect(claimed.map((r) => r.consumer)).toEqual(['essai-a', 'essai-b', 'essai-c']);
    const processed = await processedAt(id);
    expect(processed).not.toBeNull();
    const instants = new Set([...rows.map((r) => r.at), ...claimed.map((r) => r.processed_at), processed].map((d) => new Date(d!).getTime()));
    expect(instants.size).toBe(1);

    // After commit: each action saw its own effect and the event processed, both committed.
    for (const consumer of [a, b, c]) expect(consumer.seenAfterCommit).toEqual([{ effect: true, processed: true }]);
    expect(seul.calls).toBe(0);
  });

  it('rolls back a failing consumer alone: the others commit, the event stays unprocessed, and the retries run only the failing one', async () => {
    b.failing = true;
    const statements = recordStatements();
    const id = await deliver(TYPE);
    await waitFor(async () => (await job(id)).attemptsMade >= 3, 'the job failed and retried twice', { timeoutMs: 10_000 });
    statements.stop();
    // The first attempt at once failed on b and was rolled back whole; the same attempt then ran each consumer in its savepoint.
    expect(statements.list.filter((q) => /^ROLLBACK$/.test(q)).length).toBeGreaterThanOrEqual(1);
    expect(statements.list.filter((q) => /^SAVEPOINT/.test(q)).length).toBeGreaterThanOrEqual(3);

    const failed = await job(id);
    expect(failed.failedReason).toContain('essai-b');
    expect(failed.failedReason).not.toContain('essai-a');
    // a and c committed their work and claims on the first attempt; b's work and claim were rolled back each time.
    expect((await effects(id)).map((r) => r.consumer)).toEqual(['essai-a', 'essai-c']);
    expect((await claims(id)).map((r) => r.consumer)).toEqual(['essai-a', 'essai-c']);
    expect(await processedAt(id)).toBeNull();
    // a ran twice in the first attempt (its run before b's failure was rolled back with it), c
    // once (b threw before c's turn): each committed once, as effects and claims show above.
    expect([a.calls, c.calls]).toEqual([2, 1]);
    expect(b.calls).toBeGreaterThanOrEqual(3);
    // The committed consumers' actions ran after that commit, the failing one's never.
    expect(a.seenAfterCommit).toEqual([{ effect: true, processed: false }]);
    expect(b.seenAfterCommit).toEqual([]);

    b.failing = false;
    await waitFor(async () => (await job(id)).isCompleted(), 'the job completed once b recovered', { timeoutMs: 10_000 });
    expect((await effects(id)).map((r) => r.consumer)).toEqual(['essai-a', 'essai-b', 'essai-c']);
    expect((await claims(id)).map((r) => r.consumer)).toEqual(['essai-a', 'essai-b', 'essai-c']);
    expect(await processedAt(id)).not.toBeNull();
    expect([a.calls, c.calls]).toEqual([2, 1]);
    expect(b.seenAfterCommit).toEqual([{ effect: true, processed: true }]);
  });

  it('a lone consumer runs without a savepoint: its failure rolls back the whole delivery, retried', async () => {
    seul.failing = true;
    const id = await deliver(TYPE_SEUL);
    await waitFor(async () => (await job(id)).attemptsMade >= 2, 'the job failed and retried', { timeoutMs: 10_000 });
    expect((await job(id)).failedReason).toBe('panne simulée');
    expect(await effects(id)).toEqual([]);
    expect(await claims(id)).toEqual([]);
    expect(await processedAt(id)).toBeNull();

    seul.failing = false;
    await waitFor(async () => (await job(id)).isCompleted(), 'the job completed', { timeoutMs: 10_000 });
    expect((await effects(id)).map((r) => r.consumer)).toEqual(['essai-seul']);
    expect(await processedAt(id)).not.toBeNull();
  });
});

/** The same with the worker's real consumers: an escalation and the notifications it creates. */
describe('outbox delivery of real events by the worker', () => {
  let f: SlaFixture;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_outbox_tx_worker', REDIS_DB);
  }, 60_000);

  afterAll(async () => {
    await f?.close();
  });

  it('commits all the consumers of an event and its processed_at in one transaction', async () => {
    const token = await f.api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token });
    expect(q.status).toBe(201);
    expect((await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token })).status).toBe(200);
    const [{ id: escalade }] = await f.query(`SELECT id FROM outbox WHERE aggregate_id = $1 AND type = 'question.escaladee'`, [q.body.id]);
    await f.waitFor(async () => (await f.query(`SELECT 1 FROM outbox WHERE id = $1 AND processed_at IS NOT NULL`, [escalade])).length === 1, 15_000, 'the escalation processed');

    const claims = await f.query<{ consumer: string; processed_at: Date }>(`SELECT consumer, processed_at FROM processed_event WHERE event_id = $1`, [escalade]);
    // Live stream, clocks, webhooks, notifications, capitalisation: one transaction (one now()) for all and processed_at.
    expect(claims.map((r) => r.consumer)).toEqual(expect.arrayContaining(['flux', 'sla', 'webhooks', 'notifications']));
    const [{ processed_at }] = await f.query(`SELECT processed_at FROM outbox WHERE id = $1`, [escalade]);
    expect(new Set([...claims.map((r) => r.processed_at), processed_at].map((d) => new Date(d).getTime())).size).toBe(1);
  }, 30_000);
});
