import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig, OutboxJob, OutboxRelay, QueueName } from '@app/core';

/** Runs the outbox relay for the life of the worker process. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly relay: OutboxRelay;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @InjectQueue(QueueName.Outbox) queue: Queue<OutboxJob>,
    config: AppConfig,
  ) {
    this.relay = new OutboxRelay(dataSource, queue, { pollMs: config.OUTBOX_POLL_MS, databaseUrl: config.DATABASE_URL });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}
