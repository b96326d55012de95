import { Redis, RedisOptions } from 'ioredis';

/**
 * Longest wait between two reconnection attempts to Redis. BullMQ's default backoff grows to
 * 20 s, so a worker could come back up to 20 s after Redis did (beyond SLA_RECONCILE_MS); an
 * attempt every 2 s at most costs nothing while Redis is away.
 */
export const REDIS_RETRY_MAX_MS = 2000;

/** Reconnection delay after `times` failed attempts: 100 ms doubling, capped at REDIS_RETRY_MAX_MS. */
export function redisRetryDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(times - 1, 0), 10), REDIS_RETRY_MAX_MS);
}

/**
 * ioredis options for BullMQ. Workers need `maxRetriesPerRequest: null` (blocking commands must
 * wait through a Redis restart instead of failing); producers in the API fail fast instead.
 */
export function redisOptions(url: string, role: 'worker' | 'producer'): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    username: parsed.username || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    lazyConnect: false,
    retryStrategy: redisRetryDelay,
  };
}

export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(redisOptions(url, role));
}
