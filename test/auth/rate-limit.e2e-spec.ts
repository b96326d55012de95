import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRateLimitStorage } from '../../apps/api/src/ops/rate-limit-storage';
import { TestApi } from '../setup/e2e-app';
import { TEST_REDIS_URL } from '../setup/test-env';
import { freePort } from '../ops/spawned';

/**
 * The throttlers' storage on Redis (issue #16): two storages stand for two API processes. The
 * semantics are @nestjs/throttler's in-memory ones; only where the hits are kept changes.
 */
describe('rate limits shared through Redis', () => {
  const prefix = `relais-test-rate-limit-${randomUUID().slice(0, 8)}`;
  const storages: RedisRateLimitStorage[] = [];
  let redis: Redis;

  async function storage(url = TEST_REDIS_URL): Promise<RedisRateLimitStorage> {
    const s = new RedisRateLimitStorage(url, prefix);
    storages.push(s);
    await s.onApplicationBootstrap();
    // Connected once started (the API listens after this), unless Redis is away.
    expect(s.shared).toBe(url === TEST_REDIS_URL);
    return s;
  }

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    // The fallback's warning is expected in one case; keep the output clean.
    Logger.overrideLogger(false);
  });

  afterAll(async () => {
    await Promise.all(storages.map((s) => s.onApplicationShutdown()));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    Logger.overrideLogger(['error', 'warn', 'log']);
  });

  it('counts the hits of one client across processes: the one past the limit is refused by either, for the block', async () => {
    const [a, b] = [await storage(), await storage()];
    const hit = (s: RedisRateLimitStorage) => s.increment('client-1', 60_000, 3, 60_000, 'login');
    const records = [await hit(a), await hit(b), await hit(a), await hit(b), await hit(a)];
    expect(records.map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [4, true],
    ]);
    expect(records[3].timeToBlockExpire).toBeGreaterThan(58);
    expect(records[3].timeToBlockExpire).toBeLessThanOrEqual(60);
    expect(records[0].timeToExpire).toBeLessThanOrEqual(60);
    // Another client and another throttler count apart.
    expect((await b.increment('client-2', 60_000, 3, 60_000, 'login')).totalHits).toBe(1);
    expect((await b.increment('client-1', 60_000, 3, 60_000, 'suivi')).totalHits).toBe(1);
    // Everything under the deployment's prefix, and nothing kept beyond its window or block.
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) {
      expect(key.startsWith(`${prefix}:rate-limit:{`)).toBe(true);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
  });

  it('a sliding window: each hit counts for ttl; without a block, hits past the limit are refused without counting', async () => {
    const [a, b] = [await storage(), await storage()];
    const hit = (s: RedisRateLimitStorage) => s.increment('client-3', 600, 2, 0, 'login');
    expect((await hit(a)).isBlocked).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect((await hit(b)).isBlocked).toBe(false);
    const refused = await hit(a);
    expect(refused).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(refused.timeToBlockExpire).toBe(1); // the first hit frees its place in ~300 ms
    // The first hit has expired, not the second: one place again, and only one.
    await new Promise((r) => setTimeout(r, 350));
    expect(await hit(b)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect((await hit(a)).isBlocked).toBe(true);
  });

  it('after a block, a fresh window', async () => {
    const [a, b] = [await storage(), await storage()];
    expect((await a.increment('client-4', 10_000, 1, 300, 'login')).isBlocked).toBe(false);
    expect((await b.increment('client-4', 10_000, 1, 300, 'login')).isBlocked).toBe(true);
    expect((await a.increment('client-4', 10_000, 1, 300, 'login')).isBlocked).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(await b.increment('client-4', 10_000, 1, 300, 'login')).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('Redis away: each process keeps counting on its own, so the limit still holds per process', async () => {
    const away = await storage(`redis://127.0.0.1:${await freePort()}`);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await away.increment('client-5', 60_000, 2, 60_000, 'login')).isBlocked);
    expect(statuses).toEqual([false, false, true, true]);
    expect(away.shared).toBe(false);
  });
});

describe('the login rate limit over HTTP, two API instances on one Redis', () => {
  const apis: TestApi[] = [];

  beforeAll(async () => {
    const config = { LOGIN_RATE_LIMIT: '4', TRUST_PROXY: 'true', QUEUE_PREFIX: `relais-test-login-${randomUUID().slice(0, 8)}` };
    apis.push(await TestApi.start({ config }), await TestApi.start({ config }));
  });

  afterAll(() => Promise.all(apis.map((api) => api.close())));

  it('N attempts split across both, the next one refused by each; another client is not', async () => {
    const attempt = (api: TestApi, from: string) =>
      api.post('/api/v1/auth/dev-login', { email: 'inconnu@relais.demo' }, { headers: { 'x-forwarded-for': from } }).then((r) => r.status);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await attempt(apis[i % 2], '198.51.100.20'));
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(await attempt(apis[0], '198.51.100.20')).toBe(429);
    expect(await attempt(apis[1], '198.51.100.20')).toBe(429);
    expect(await attempt(apis[1], '198.51.100.21')).toBe(401);
  });
});
