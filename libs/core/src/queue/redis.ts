import { Redis, RedisOptions } from 'ioredis';

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
  };
}

export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(redisOptions(url, role));
}
