import helmet from '@fastify/helmet';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock, createValidationPipe } from '@app/core';
import { ApiModule } from './api.module';
import { setupOpenApi } from './openapi';

export const API_PREFIX = 'api/v1';
/** Paths served at the root rather than under /api/v1 (see API.md). */
export const ROOT_PATHS = ['health', 'health/(.*)', 'metrics', 'public/(.*)', 'suivi/(.*)'];

/** Builds the API application (also used by the e2e tests, with their own config and clock). */
export async function createApiApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 1_048_576, trustProxy: true, requestIdHeader: 'x-request-id' });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot({ config, clock: options.clock }), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await app.register(helmet as never);
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_PATHS.map((path) => ({ path, method: RequestMethod.ALL })) });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}
