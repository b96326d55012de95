import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ALL_QUEUES, AppConfig } from '@app/core';
import { closeRedis, createApiRedis } from './redis-connection';

/**
 * One BullMQ Queue per QueueName, for the board only: it reads counts and jobs and lets an
 * admin retry or clean them. They share one connection (a Queue opens no blocking connection)
 * so the board costs each API process one Redis client, not one per queue.
 */
@Injectable()
export class BoardQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueBoard');
  /** Also read by /metrics (queue counts, SLA reconciler totals): no extra Redis client for it. */
  readonly connection: Redis;
  readonly queues: Queue[];

  constructor(config: AppConfig) {
    this.connection = createApiRedis(config.REDIS_URL, 'relais-api-board', this.logger);
    this.queues = ALL_QUEUES.map((name) => {
      const queue = new Queue(name, { connection: this.connection, prefix: config.QUEUE_PREFIX });
      // The shared connection's own listener already reports outages; without a listener
      // BullMQ would print every reconnection attempt of every queue to stderr.
      queue.on('error', () => undefined);
      return queue;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // A Queue leaves a connection it was given open: close the queues, then the connection.
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    await closeRedis(this.connection);
  }
}
