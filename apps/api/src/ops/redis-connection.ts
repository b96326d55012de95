import { Logger } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import { redisOptions } from '@app/core';

/**
 * A fail-fast ioredis connection of the API (commands fail at once while Redis is away instead
 * of queueing), named so that `CLIENT LIST` shows who holds it.
 *
 * ioredis reconnects on its own forever; without an 'error' listener it prints every failed
 * attempt to stderr, so this logs only the transitions: lost once, back once. `overrides` adds
 * options of one use (a command timeout).
 */
export function createApiRedis(url: string, connectionName: string, logger: Logger, overrides: Partial<RedisOptions> = {}): Redis {
  const redis = new Redis({
    ...redisOptions(url, 'producer'),
    ...overrides,
    connectionName,
    // disconnect() is only used when the connection is not usable (see closeRedis): destroy the
    // socket at once. ioredis's default keeps a 2 s timer that holds the process open after a
    // refused connection, whose socket never emits 'close' again.
    disconnectTimeout: 0,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: { message: err.message }, connection: connectionName }, 'Redis unreachable; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log({ connection: connectionName }, 'Redis reachable again');
  });
  return redis;
}

/** Closes politely when connected (QUIT lets pending replies arrive), at once otherwise. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      /* fall through to a hard disconnect */
    }
  }
  redis.disconnect();
}
