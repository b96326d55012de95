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

  it('relays new rows once and marks them published', async () => {
    const fresh = await row(null, false);
    const relay = new OutboxRelay(scratch.dataSource, queue, { pollMs: 1000, databaseUrl: scratch.url });
    expect(await relay.relayBatch()).toBe(1);
    expect(await relay.relayBatch()).toBe(0);
    expect(await queue.getJob(outboxJobId(fresh))).toBeDefined();
  });
});
