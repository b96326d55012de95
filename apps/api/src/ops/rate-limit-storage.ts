import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig, OutageLog } from '@app/core';
import { closeRedis, createApiRedis } from './redis-connection';

/**
 * One hit of one client on one throttler, atomically (issue #16: the limits hold across every
 * API process). The same semantics as @nestjs/throttler's in-memory storage: a sliding window
 * (each hit counts for `ttl`), the hit beyond `limit` starts a block of `blockDuration` during
 * which nothing counts, and a fresh window after it; with no block duration, hits beyond the
 * limit are refused without counting. Redis's own clock (TIME): API hosts need not agree.
 *
 * KEYS[1] the window's hits (a sorted set: a unique member per hit, scored by its expiry, ms)
 * KEYS[2] the block (a string holding the hit count that started it, expiring with it)
 * ARGV    ttl (ms), limit, block duration (ms), the hit's unique member
 * returns {total hits, ms until the window's oldest hit expires, blocked 0|1, ms until the block ends}
 */
export const RATE_LIMIT_SCRIPT = `
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local block = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blockedFor = redis.call('PTTL', KEYS[2])
if blockedFor > 0 then
  return {tonumber(redis.call('GET', KEYS[2])), blockedFor, 1, blockedFor}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local hits = redis.call('ZCARD', KEYS[1])
if block <= 0 and hits >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local left = tonumber(oldest[2]) - now
  return {hits + 1, left, 1, left}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
hits = hits + 1
if hits > limit then
  redis.call('SET', KEYS[2], hits, 'PX', block)
  redis.call('DEL', KEYS[1])
  return {hits, ttl, 1, block}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {hits, tonumber(oldest[2]) - now, 0, 0}
`;

/** How long one rate-limit check may wait for Redis before the process counts on its own. */
const COMMAND_TIMEOUT_MS = 1_000;
/** How long the API's start waits for this connection at most. */
const CONNECT_WAIT_MS = 2_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

type RateLimitRedis = Redis & {
  relaisRateLimit(hits: string, block: string, ttl: number, limit: number, blockDuration: number, member: string): Promise<[number, number, number, number]>;
};

/**
 * The throttlers' storage shared by every API process (login, tracking pages, shared
 * documents), on Redis under QUEUE_PREFIX, so that N attempts are N whichever process answers
 * them. While Redis is away (the API serves without it, docs/operations.md) each process counts
 * in memory on its own: the limits still hold per process — at worst N × processes attempts
 * during the outage — rather than refusing every login or letting every attempt through.
 */
export class RedisRateLimitStorage implements ThrottlerStorage, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly fallback = new ThrottlerStorageService();
  private readonly outage = new OutageLog(this.logger, 'relais-api-rate-limit');
  private redis: RateLimitRedis | null = null;
  /** Once the application stops, a late request counts in memory rather than reopening Redis. */
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {}

  /** Whether the limits are counted in Redis now (false: by this process alone). */
  get shared(): boolean {
    return this.redis?.status === 'ready';
  }

  /**
   * Connects before the API listens, so that its first attempts already count in Redis: waits
   * for the connection, or its first failure (Redis away: the API serves without it), bounded.
   */
  async onApplicationBootstrap(): Promise<void> {
    const redis = this.connection();
    if (redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      redis.once('ready', done).once('error', done);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.fallback.onApplicationShutdown();
    if (this.redis) await closeRedis(this.redis);
    this.redis = null;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (this.closed) return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    const redis = this.connection();
    if (redis.status === 'ready') {
      try {
        // The guard's key is already a hash of the route, the throttler and the client; the
        // braces keep both keys of one client in one slot (Redis Cluster).
        const base = `${this.prefix}:rate-limit:{${throttlerName}:${key}}`;
        const [totalHits, expireMs, blocked, blockMs] = await redis.relaisRateLimit(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration, randomUUID());
        this.outage.recovered('rate limits shared through Redis again');
        return { totalHits, timeToExpire: seconds(expireMs), isBlocked: blocked === 1, timeToBlockExpire: blocked === 1 ? seconds(blockMs) : 0 };
      } catch (err) {
        this.outage.failure(err, 'rate limits counted by this API process alone while Redis does not answer');
      }
    } else {
      this.outage.failure(new Error(`Redis connection ${redis.status}`), 'rate limits counted by this API process alone while Redis does not answer');
    }
    return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
  }

  private connection(): RateLimitRedis {
    if (!this.redis) {
      const redis = createApiRedis(this.url, 'relais-api-rate-limit', this.logger, { commandTimeout: COMMAND_TIMEOUT_MS });
      redis.defineCommand('relaisRateLimit', { numberOfKeys: 2, lua: RATE_LIMIT_SCRIPT });
      this.redis = redis as RateLimitRedis;
    }
    return this.redis;
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/**
 * The throttlers' storage for this configuration: Redis, shared by every API process, when the
 * queues run on Redis; in memory in the embedded mode (FILES_ATTENTE=postgres), where there is
 * no Redis and a single API process.
 */
export function rateLimitStorage(config: AppConfig): ThrottlerStorage {
  return config.FILES_ATTENTE === 'redis' ? new RedisRateLimitStorage(config.REDIS_URL, config.QUEUE_PREFIX) : new ThrottlerStorageService();
}
