import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { Clock, SystemClock } from './clock/clock';
import { dataSourceOptions } from './database/database.options';
import { loggerModule } from './logging/logger.module';
import { OutboxMessage, ProcessedEvent } from './outbox/outbox-message.entity';
import { queueConnection, selectQueueBackend } from './queue/queue-backend';
import { QueueErrorLog } from './queue/queue-error-log';

export interface CoreModuleOptions {
  config: AppConfig;
  /** Replace the system clock (tests). */
  clock?: Clock;
  /** 'producer' in the API (fail fast), 'worker' in the worker (wait through Redis restarts). */
  redisRole: 'worker' | 'producer';
}

/**
 * Everything every app needs once: config, logs, PostgreSQL, BullMQ (on Redis or PostgreSQL), the CQRS buses and
 * the clock. Imported once by each app's root module.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    const { config } = options;
    // Before any queue exists: @nestjs/bullmq builds them with BullMQ's default backend.
    selectQueueBackend(config);
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        loggerModule(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), autoLoadEntities: true }),
        TypeOrmModule.forFeature([OutboxMessage, ProcessedEvent]),
        BullModule.forRoot({ connection: queueConnection(config, options.redisRole), prefix: config.QUEUE_PREFIX }),
        CqrsModule.forRoot(),
      ],
      providers: [{ provide: Clock, useValue: options.clock ?? new SystemClock() }, QueueErrorLog],
      exports: [Clock, TypeOrmModule, BullModule, CqrsModule],
    };
  }
}
