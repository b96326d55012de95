import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock, SHUTDOWN_SIGNALS } from '@app/core';
import { WorkerModule } from './worker.module';

/** Builds the worker application context (also used by tests). */
export async function createWorkerApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ config, clock: options.clock }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Exit 0 once workers have finished their jobs and connections are closed; BoundedShutdown
  // caps the wait at SHUTDOWN_TIMEOUT_MS.
  app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
  await app.init();
  return app;
}
