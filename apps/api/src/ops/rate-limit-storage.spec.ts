import { ThrottlerStorageService } from '@nestjs/throttler';
import { loadConfig } from '@app/core';
import { rateLimitStorage, RedisRateLimitStorage } from './rate-limit-storage';

describe('rateLimitStorage', () => {
  it('shares the limits through Redis when the queues run there', async () => {
    const storage = rateLimitStorage(loadConfig({ FILES_ATTENTE: 'redis' }));
    expect(storage).toBeInstanceOf(RedisRateLimitStorage);
    // Not connected before the application starts it.
    expect((storage as RedisRateLimitStorage).shared).toBe(false);
    await (storage as RedisRateLimitStorage).onApplicationShutdown();
  });

  it('counts in memory in the embedded mode (no Redis, one API process)', () => {
    expect(rateLimitStorage(loadConfig({ FILES_ATTENTE: 'postgres' }))).toBeInstanceOf(ThrottlerStorageService);
  });
});
