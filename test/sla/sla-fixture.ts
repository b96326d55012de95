import { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR } from '@app/sla';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { testConfig, testRedisUrl } from '../setup/test-env';
import { waitFor as waitUntil } from '../setup/wait-for';

/**
 * An API and a worker on a database of their own, with both calendars always open and Redis on
 * its own logical database (FLUSHDB there touches nobody else), so SLA targets can be seconds.
 */
export class SlaFixture {
  private constructor(
    readonly scratch: ScratchDatabase,
    readonly api: TestApi,
    readonly workers: INestApplicationContext[],
    readonly redis: Redis,
    readonly env: Record<string, string>,
  ) {}

  static async start(name: string, redisDb: number, overrides: Record<string, string> = {}, inProcessWorker = true): Promise<SlaFixture> {
    const scratch = await createScratchDatabase(name);
    await seedDemoData(scratch.dataSource);
    const spec = (id: string) => JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id });
    await scratch.dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'reseau'`, [spec('reseau')]);
    await scratch.dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'siege'`, [spec('siege')]);
    const redisUrl = testRedisUrl(redisDb);
    const redis = new Redis(redisUrl);
    await redis.flushdb();
    const env = { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, QUEUE_PREFIX: `relais-${name}`, SLA_RECONCILE_MS: '2000', OUTBOX_POLL_MS: '200', ...overrides };
    const api = await TestApi.start({ config: env });
    const fixture = new SlaFixture(scratch, api, [], redis, env);
    if (inProcessWorker) await fixture.startWorker();
    return fixture;
  }

  async startWorker(): Promise<INestApplicationContext> {
    const worker = await createWorkerApp(testConfig(this.env));
    this.workers.push(worker);
    return worker;
  }

  /** Targets of the question clocks, in business minutes (fractions: seconds). */
  async setTargets(targets: Partial<Record<'prise_en_charge' | 'reponse' | 'relais', number>>): Promise<void> {
    for (const [horloge, minutes] of Object.entries(targets)) {
      await this.scratch.dataSource.query(`UPDATE sla_politique SET cible_minutes = $2, version = version + 1 WHERE flux = 'question' AND horloge = $1`, [horloge, minutes]);
    }
  }

  /** Raw SQL as the superuser (the API and workers connect as the application's role). */
  query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.scratch.ownerQuery<T>(sql, params);
  }

  /** Polls until `check` returns a truthy value or the time runs out. */
  waitFor<T>(check: () => Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
    return waitUntil(check, what, { timeoutMs });
  }

  async close(): Promise<void> {
    await this.api.close();
    for (const worker of this.workers) await worker.close();
    await this.redis.flushdb();
    this.redis.disconnect();
    await this.scratch.drop();
  }
}
