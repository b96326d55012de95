import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { OutageLog } from '../logging/outage-log';
import { ALL_QUEUES } from './queue-names';
import { REDIS_RETRY_MAX_MS } from './redis';

/**
 * No 'error' event of a reconnecting Redis connection lasts longer apart than this: a quiet
 * spell this long means the outage ended (BullMQ reports failures, not recoveries).
 */
export const REDIS_OUTAGE_QUIET_MS = 5 * REDIS_RETRY_MAX_MS;

/** The outage log of a BullMQ queue or worker connection: one line a minute while Redis is away. */
export function redisOutageLog(logger: Logger, connection: string): OutageLog {
  return new OutageLog(logger, connection, { quietEndsAfterMs: REDIS_OUTAGE_QUIET_MS });
}

/**
 * Listens to the 'error' events of every BullMQ queue of the app. Without a listener BullMQ
 * prints each failed reconnection to stderr as a raw stack (every second or two while Redis is
 * away); with it, the JSON log gets one line when Redis goes, one a minute while it stays away
 * and one when it is back. Workers log theirs the same way (their processors' 'error' handlers).
 */
@Injectable()
export class QueueErrorLog implements OnModuleInit {
  private readonly logger = new Logger('Redis');

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of ALL_QUEUES) {
      let queue: Queue;
      try {
        queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      } catch {
        continue; // not registered in this app
      }
      const log = redisOutageLog(this.logger, `queue:${name}`);
      queue.on('error', (err: Error) => log.failure(err, 'Redis unreachable; reconnecting'));
      // BullMQ types its client as a generic one; it is the ioredis instance it created (none on PostgreSQL).
      const backend = queue.getBackend() as { client?: unknown };
      if (!('client' in backend)) continue;
      Promise.resolve(backend.client).then(
        (client) => (client as Redis | undefined)?.on?.('ready', () => log.recovered('Redis reachable again')),
        () => undefined,
      );
    }
  }
}
