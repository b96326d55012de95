import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock } from '@app/core';
import { WorkerModule } from './worker.module';

/** Builds the worker application context (also used by tests). */
export async function createWorkerApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, clock: options.clock }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  return app;
}
