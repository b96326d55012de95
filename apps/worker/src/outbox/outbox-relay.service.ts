import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, OUTBOX_CONSUMERS, OutboxConsumer, OutboxJob, OutboxRelay, QueueName } from '@app/core';

/** Runs the outbox relay for the life of the worker process. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectQueue(QueueName.Outbox) queue: Queue<OutboxJob>,
    config: AppConfig,
    @Optional() @Inject(OUTBOX_CONSUMERS) consumers?: OutboxConsumer[],
  ) {
    this.relay = new OutboxRelay(dataSource, queue, {
      pollMs: config.OUTBOX_POLL_MS,
      databaseUrl: config.DATABASE_URL,
      // The same consumers as the outbox processor's: what none of them takes needs no job.
      delivers: consumers && ((type) => consumers.some((c) => c.handles(type))),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
