import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { OutboxJob, OutboxRelay, outboxJobId, QueueName, redisOptions } from '@app/core';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testRedisUrl } from '../setup/test-env';

/** An event whose job Redis lost (flush, crash) is sent again; a processed one never is. */
describe('outbox redelivery', () => {
  let scratch: ScratchDatabase;
  let queue: Queue<OutboxJob>;
  let redis: Redis;
  const url = testRedisUrl(9);

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_outbox');
    redis = new Redis(url);
    await redis.flushdb();
    queue = new Queue(QueueName.Outbox, { connection: redisOptions(url, 'producer') as never, prefix: 'relais-test-outbox' });
  });

  afterAll(async () => {
    await queue.close();
    await redis.flushdb();
    redis.disconnect();
    await scratch.drop();
  });

  async function row(publishedAgoS: number | null, processed: boolean): Promise<string> {
    const id = randomUUID();
    await scratch.dataSource.query(
      `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at, published_at, processed_at)
       VALUES ($1, 'question.escaladee', 'question', $2, '{}', now(), now() - make_interval(secs => $3), CASE WHEN $4 THEN now() END)`,
      [id, randomUUID(), publishedAgoS ?? 0, processed],
    );
    if (publishedAgoS === null) await scratch.dataSource.query(`UPDATE outbox SET published_at = NULL WHERE id = $1`, [id]);
    return id;
  }

  it('re-enqueues rows published long ago and never processed, once, and leaves the others alone', async () => {
    const lost = await row(120, false);
    const recent = await row(5, false);
    const done = await row(120, true);
    const relay = new OutboxRelay(scratch.dataSource, queue, { pollMs: 1000, databaseUrl: scratch.url, redeliverAfterMs: 60_000 });

    expect(await relay.redeliverLost()).toBe(1);
    expect(await queue.getJob(outboxJobId(lost))).toBeDefined();
    expect(await queue.getJob(outboxJobId(recent))).toBeUndefined();
    expect(await queue.getJob(outboxJobId(done))).toBeUndefined();
    const [{ attempts, age }] = await scratch.dataSource.query(
      `SELECT attempts, extract(epoch FROM now() - published_at) AS age FROM outbox WHERE id = $1`,
      [lost],
    );
    expect(attempts).toBe(1);
    expect(Number(age)).toBeLessThan(5);
    // Sent again just now: not again on the next pass, and the job id is the same one.
    expect(await relay.redeliverLost()).toBe(0);
    expect(await queue.count()).toBe(1);
  });

  it('looks jobs up without holding row locks, leaves rows whose job is alive as they are, and walks a backlog of them page by page', async () => {
    const alive = [await row(300, false), await row(290, false)];
    await queue.addBulk(alive.map((id) => ({ name: 'question.escaladee', data: { eventId: id } as OutboxJob, opts: { jobId: outboxJobId(id), delay: 3_600_000 } })));
    const lost = await row(280, false);
    const before = await scratch.dataSource.query(`SELECT id, published_at::text p, attempts FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY id`, [alive]);
    const relay = new OutboxRelay(scratch.dataSource, queue, { pollMs: 1000, databaseUrl: scratch.url, redeliverAfterMs: 60_000, redeliveryPage: 2 });

    // While the relay asks the queue about the jobs, the rows it looks at are not locked: a
    // consumer marking one processed is not held back (the old check locked up to 1,000 rows
    // for the whole of its Redis round trips, and every consumer waited on them).
    const getJob = queue.getJob.bind(queue);
    let lockFree: boolean | null = null;
    queue.getJob = async (id: string) => {
      if (lockFree === null) {
        lockFree = false;
        await scratch.dataSource.transaction(async (m) => {
          await m.query(`SELECT id FROM outbox WHERE id = ANY($1::uuid[]) FOR UPDATE NOWAIT`, [alive]);
          lockFree = true;
        });
      }
      return getJob(id);
    };
    try {
      // First page: the two oldest rows, both with a live job: nothing sent, nothing written.
      expect(await relay.redeliverLost()).toBe(0);
    } finally {
      queue.getJob = getJob;
    }
    expect(lockFree).toBe(true);
    expect(await scratch.dataSource.query(`SELECT id, published_at::text p, attempts FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY id`, [alive])).toEqual(before);
    // The next pass starts past them and finds the lost row; the one after starts again from the oldest.
    expect(await relay.redeliverLost()).toBe(1);
    expect(await queue.getJob(outboxJobId(lost))).toBeDefined();
    expect(await relay.redeliverLost()).toBe(0);
    expect(await queue.getJobCounts('delayed')).toEqual({ delayed: 2 });
    await queue.remove(outboxJobId(alive[0]));
    await queue.remove(outboxJobId(alive[1]));
    await queue.remove(outboxJobId(lost));
  });

  it('relays new rows once and marks them published', async () => {
    const fresh = await row(null, false);
    const relay = new OutboxRelay(scratch.dataSource, queue, { pollMs: 1000, databaseUrl: scratch.url });
    expect(await relay.relayBatch()).toBe(1);
    expect(await relay.relayBatch()).toBe(0);
    expect(await queue.getJob(outboxJobId(fresh))).toBeDefined();
  });

  it('drains a backlog batch by batch and stops at the first short batch, without an empty transaction to prove it', async () => {
    const fresh = [];
    for (let i = 0; i < 5; i++) fresh.push(await row(null, false));
    const relay = new OutboxRelay(scratch.dataSource, queue, { pollMs: 1000, databaseUrl: scratch.url, batchSize: 2 });
    const batches: number[] = [];
    const relayBatch = relay.relayBatch.bind(relay);
    relay.relayBatch = async () => {
      const n = await relayBatch();
      batches.push(n);
      return n;
    };
    await relay.wake();
    expect(batches).toEqual([2, 2, 1]);
    for (const id of fresh) expect(await queue.getJob(outboxJobId(id))).toBeDefined();
    expect((await scratch.dataSource.query(`SELECT count(*)::int n FROM outbox WHERE published_at IS NULL`))[0].n).toBe(0);
  });
});
