import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig, QUEUE_SCHEMA, queuesOnPostgres } from '@app/core';
import { DocumentStorage } from '@app/knowledge';
import { closeRedis, createApiRedis } from '../ops/redis-connection';

/**
 * A probe must answer well within the prober's own timeout (Docker, Kubernetes, a load
 * balancer: typically 2–5 s), so a dependency that hangs counts as down after one second.
 */
export const DEPENDENCY_TIMEOUT_MS = 1000;

@Injectable()
export class DependencyHealth implements OnApplicationShutdown {
  private readonly logger = new Logger('Health');
  /**
   * Its own connection, not BullMQ's: the probe must say whether Redis answers now, whatever
   * state the queue connections are in, and a PING must never wait behind queue traffic.
   * None when the queues run on PostgreSQL (FILES_ATTENTE=postgres): Redis is not used at all.
   */
  private readonly redis: Redis | null;

  constructor(
    config: AppConfig,
    private readonly health: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: DocumentStorage,
  ) {
    this.redis = queuesOnPostgres(config) ? null : createApiRedis(config.REDIS_URL, 'relais-api-health', this.logger);
  }

  postgresql() {
    return this.health
      .check('postgresql')
      .attempt(async () => {
        await this.dataSource.query('SELECT 1');
      })
      .withTimeout(DEPENDENCY_TIMEOUT_MS);
  }

  /**
   * The queues with FILES_ATTENTE=postgres (ADR 0022): the same database, but BullMQ's schema
   * must be there and readable by the application's role (a `migrate` forgotten after an
   * upgrade, a grant missing), or no job could be queued.
   */
  queuesOnPostgres() {
    return this.health
      .check('files_attente')
      .attempt(async () => {
        await this.dataSource.query(`SELECT max(version) FROM "${QUEUE_SCHEMA}".migration`);
      })
      .withTimeout(DEPENDENCY_TIMEOUT_MS);
  }

  redisPing() {
    const redis = this.redis!;
    return this.health
      .check('redis')
      .attempt(async ({ signal }) => {
        await untilReady(redis, signal);
        const reply = await redis.ping();
        if (reply !== 'PONG') throw new Error(`unexpected PING reply: ${reply}`);
      })
      .withTimeout(DEPENDENCY_TIMEOUT_MS);
  }

  /** The document store (an S3 bucket: HeadBucket); only checked when it is a remote one. */
  documentStorage() {
    return this.health
      .check('documents')
      .attempt(({ signal }) => this.documents.verifier(signal))
      .withTimeout(DEPENDENCY_TIMEOUT_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis) await closeRedis(this.redis);
  }
}

/**
 * The connection fails fast (no offline queue), so a PING sent while it is still connecting —
 * just after boot — would fail although Redis may answer a few milliseconds later: wait for it,
 * within the probe's timeout. A connection known to be down fails at once.
 */
function untilReady(redis: Redis, signal: AbortSignal): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  // 'reconnecting': the last attempt failed and ioredis is waiting before the next one.
  if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
    return Promise.reject(new Error(`Redis unreachable (connection ${redis.status})`));
  }
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      redis.off('ready', onReady);
      signal.removeEventListener('abort', onAbort);
    };
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onAbort = () => {
      cleanup();
      reject(new Error(`Redis connection not ready (${redis.status})`));
    };
    redis.once('ready', onReady);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
