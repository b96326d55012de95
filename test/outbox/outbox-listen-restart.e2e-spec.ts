import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions, OutboxJob, outboxJobId, OutboxRelay, QueueName, redisOptions } from '@app/core';
import { OwnPostgres, until } from '../setup/own-servers';
import { testConfig, testRedisUrl } from '../setup/test-env';

/** Port of this suite's own PostgreSQL (helper range 5570-5579). */
const PG_PORT = 5570;

/**
 * The relay's LISTEN connection comes back after a PostgreSQL restart: a NOTIFY wakes it again
 * at once, instead of "polling only" until the worker restarts. Polling is set to a minute
 * here, so only the LISTEN path can relay a row within the test's few seconds.
 */
describe('outbox LISTEN across a PostgreSQL restart', () => {
  let pg: OwnPostgres;
  let dataSource: DataSource;
  let queue: Queue<OutboxJob>;
  let relay: OutboxRelay;
  let redis: Redis;
  const redisUrl = testRedisUrl(12);

  beforeAll(async () => {
    pg = await OwnPostgres.start(PG_PORT);
    const url = await pg.createDatabase('relais_test_listen');
    dataSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: url })), logging: false } as never);
    await dataSource.initialize();
    redis = new Redis(redisUrl);
    await redis.flushdb();
    queue = new Queue(QueueName.Outbox, { connection: redisOptions(redisUrl, 'producer') as never, prefix: 'relais-test-listen' });
    relay = new OutboxRelay(dataSource, queue, { pollMs: 60_000, databaseUrl: url });
    await relay.start();
  }, 60_000);

  afterAll(async () => {
    await relay?.stop();
    await queue?.close();
    await redis?.flushdb();
    redis?.disconnect();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await pg?.destroy();
  });

  /** Inserts an outbox row (its trigger NOTIFYs) and returns how long until its job is in Redis. */
  async function relayLatency(): Promise<number> {
    const id = randomUUID();
    const start = Date.now();
    await dataSource.query(
      `INSERT INTO outbox (id, type, aggregate_type, aggregate_id, payload, occurred_at) VALUES ($1, 'question.escaladee', 'question', $2, '{}', now())`,
      [id, randomUUID()],
    );
    await until(async () => (await queue.getJob(outboxJobId(id))) !== undefined, 5000, 'the job relayed through LISTEN');
    return Date.now() - start;
  }

  it('relays through NOTIFY before and after the restart', async () => {
    expect(relay.listening).toBe(true);
    expect(await relayLatency()).toBeLessThan(2000);

    await pg.restart();
    // The pool's connections died with the server: the first query may meet one of them.
    await until(async () => dataSource.query('SELECT 1').then(() => true, () => false), 10_000, 'PostgreSQL back');
    await until(async () => relay.listening, 10_000, 'the LISTEN connection back');
    expect(await relayLatency()).toBeLessThan(2000);
  }, 60_000);
});
