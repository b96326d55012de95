import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, OUTBOX_CONSUMERS, OutboxConsumer, OutboxJob, OutboxRelay, QueueName } from '@app/core';
import { FirePressure } from '../sla/fire-pressure';

/** Runs the outbox relay for the life of the worker process. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectQueue(QueueName.Outbox) queue: Queue<OutboxJob>,
    private readonly config: AppConfig,
    private readonly pressure: FirePressure,
    @Optional() @Inject(OUTBOX_CONSUMERS) consumers?: OutboxConsumer[],
  ) {
    this.relay = new OutboxRelay(dataSource, queue, {
      pollMs: config.OUTBOX_POLL_MS,
      databaseUrl: config.DATABASE_URL,
      // The same consumers as the outbox processor's: what none of them takes needs no job.
      delivers: consumers && ((type) => consumers.some((c) => c.handles(type))),
    });
  }

  /**
   * After SLA fires committed: they skip the outbox NOTIFY (SlaFirer), so they wake the relay
   * here, in process, at no commit; waiting for its next poll would make a breach reach its
   * holder's inbox up to OUTBOX_POLL_MS later. Except during a burst of fires with
   * OUTBOX_WAKE_DURING_FIRES=false (ADR 0027): the poll then takes the burst's rows in one claim
   * instead of one claim per batch of a few fires.
   */
  afterFires(): void {
    if (this.pressure.underPressure && !this.config.OUTBOX_WAKE_DURING_FIRES) return;
    void this.relay.wake();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
