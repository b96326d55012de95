import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig, createRedis, OutageLog, queuesOnPostgres } from '@app/core';
import { FirePressure } from './fire-pressure';

/** How often the timers' process renews the key while it fires, and the events' process reads it. */
export const SHARED_PRESSURE_EVERY_MS = 100;
/** The key's life: a timers' process that dies under pressure frees the others this soon. */
const SHARED_PRESSURE_TTL_MS = 1_000;

/**
 * FirePressure across processes (WORKER_ROLE=timers and events): the timers' process keeps a
 * Redis key alive while it fires a burst, and the events' process yields to it as a single
 * process yields to its own fires (ADR 0027). Nothing to do for WORKER_ROLE=all, nor with the
 * queues on PostgreSQL (no Redis: each process then yields to its own fires only).
 */
@Injectable()
export class SharedFirePressure implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly outage = new OutageLog(new Logger(SharedFirePressure.name), 'shared-fire-pressure');
  private redis: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly key: string;

  constructor(
    private readonly config: AppConfig,
    private readonly pressure: FirePressure,
  ) {
    this.key = `${config.QUEUE_PREFIX}:sla:pression`;
  }

  onApplicationBootstrap(): void {
    const role = this.config.WORKER_ROLE;
    if (role === 'all' || queuesOnPostgres(this.config)) return;
    // Fails fast while Redis is away (no offline queue): the next tick tries again.
    this.redis = createRedis(this.config.REDIS_URL, 'producer');
    this.timer = setInterval(() => void (role === 'timers' ? this.publish() : this.read()), SHARED_PRESSURE_EVERY_MS);
    // A burst's start is published at once, not at the next tick.
    if (role === 'timers') this.pressure.onChange((busy) => busy && void this.publish());
    this.timer.unref();
  }

  /** The timers' side: the key lives while this process is under pressure. */
  private async publish(): Promise<void> {
    if (!this.pressure.firingHere) return;
    await this.redis!.set(this.key, '1', 'PX', SHARED_PRESSURE_TTL_MS).then(
      () => this.outage.recovered('shared fire pressure back'),
      (err: unknown) => this.outage.failure(err, 'shared fire pressure not written'),
    );
  }

  /** The events' side: under pressure while the key lives. */
  private async read(): Promise<void> {
    await this.redis!.exists(this.key).then(
      (n: number) => {
        this.outage.recovered('shared fire pressure back');
        this.pressure.remote(n > 0);
      },
      (err: unknown) => {
        this.outage.failure(err, 'shared fire pressure not read');
        this.pressure.remote(false);
      },
    );
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.redis?.disconnect();
  }
}
