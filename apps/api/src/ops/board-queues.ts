import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createPostgresBackend, Queue } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ALL_QUEUES, AppConfig, QUEUE_SCHEMA, queuesOnPostgres } from '@app/core';
import { closeRedis, createApiRedis } from './redis-connection';

/**
 * One BullMQ Queue per QueueName, for the board only: it reads counts and jobs and lets an
 * admin retry or clean them. They share one connection (a Queue opens no blocking connection)
 * so the board costs each API process one Redis client, not one per queue. With
 * FILES_ATTENTE=postgres (ADR 0022) they share one small pg pool on BullMQ's schema instead.
 */
@Injectable()
export class BoardQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueBoard');
  /** Also read by /metrics (queue counts, SLA reconciler totals): no extra Redis client for it. Null with the queues on PostgreSQL. */
  readonly connection: Redis | null;
  /** The board's pool when the queues are on PostgreSQL. */
  readonly pool: Pool | null;
  readonly queues: Queue[];

  constructor(config: AppConfig) {
    if (queuesOnPostgres(config)) {
      this.connection = null;
      // BullMQ's commands name its tables unqualified: the pool's sessions search its schema.
      this.pool = new Pool({ connectionString: config.DATABASE_URL, max: 2, application_name: 'relais-api-board', options: `-c search_path="${QUEUE_SCHEMA}"` });
      this.pool.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'PostgreSQL connection of the queue board lost'));
      this.queues = ALL_QUEUES.map((name) => {
        const queue = new Queue(name, { connection: this.pool as unknown as ConnectionOptions }, createPostgresBackend as never);
        queue.on('error', () => undefined);
        return queue;
      });
      return;
    }
    this.pool = null;
    const connection = createApiRedis(config.REDIS_URL, 'relais-api-board', this.logger);
    this.connection = connection;
    this.queues = ALL_QUEUES.map((name) => {
      const queue = new Queue(name, { connection, prefix: config.QUEUE_PREFIX });
      // The shared connection's own listener already reports outages; without a listener
      // BullMQ would print every reconnection attempt of every queue to stderr.
      queue.on('error', () => undefined);
      return queue;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    // A Queue leaves a connection it was given open: close the queues, then the connection.
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    if (this.connection) await closeRedis(this.connection);
    if (this.pool) await this.pool.end().catch(() => undefined);
  }
}
