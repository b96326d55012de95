import helmet from '@fastify/helmet';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, Clock, OidcKeyStore, createValidationPipe, problemClientErrorHandler, problemFrameworkErrorHandler, registerJsonBodyParser, requestId, SHUTDOWN_SIGNALS } from '@app/core';
import { ApiModule } from './api.module';
import { setupOpenApi } from './openapi';
import { setupQueueBoard } from './ops/queue-board';
import { registerResponseHeaders } from './ops/response-headers';
import { setupWebApp } from './web/web-app';
import { registerMultipart } from './documents/multipart';

export const API_PREFIX = 'api/v1';
/** Paths served at the root rather than under /api/v1 (see API.md). */
export const ROOT_PATHS = ['health', 'health/{*path}', 'metrics', 'public/{*path}', 'suivi/{*path}'];

/** Builds the API application (also used by the e2e tests, with their own config and clock). */
export async function createApiApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<NestFastifyApplication> {
  // Behind a reverse proxy, TRUST_PROXY lets the client address (rate limits, logs) come from X-Forwarded-For.
  const adapter = new FastifyAdapter({
    bodyLimit: 1_048_576,
    trustProxy: config.TRUST_PROXY,
    // x-request-id: the client's when it is a short safe token, else a new UUID (requestId).
    requestIdHeader: false,
    genReqId: requestId,
    // What Node's HTTP parser and Fastify's router refuse answers problem+json too.
    clientErrorHandler: problemClientErrorHandler,
    frameworkErrors: problemFrameworkErrorHandler,
  });
  // JSON only, depth-checked before parsing (registerJsonBodyParser); Nest's own parsers off.
  registerJsonBodyParser(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot({ config, clock: options.clock }), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // helmet's default CSP with two changes. With OIDC the web app's browser code may call the
  // identity provider (discovery, token endpoint: authorization code + PKCE happens in the
  // browser). Without `upgrade-insecure-requests`: on a LAN over plain HTTP
  // (http://relais.mdr.local:3000) it would send the browser to https:// for every asset;
  // registerResponseHeaders adds it back when the request came over HTTPS (ADR 0008).
  const oidcOrigins = config.oidcEnabled ? () => app.get(OidcKeyStore).browserOrigins().join(' ') : null;
  await app.register(helmet as never, {
    contentSecurityPolicy: { directives: { connectSrc: oidcOrigins ? ["'self'", oidcOrigins] : ["'self'"], upgradeInsecureRequests: null } },
  } as never);
  registerResponseHeaders(app);
  // Multipart for the document upload only (every other route still answers 415 to it).
  await registerMultipart(app, config);
  await setupQueueBoard(app);
  await setupWebApp(app);
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_PATHS.map((path) => ({ path, method: RequestMethod.ALL })) });
  app.useGlobalPipes(createValidationPipe());
  // process.exit(0) once closed, rather than re-raising the signal (exit 143): a clean
  // shutdown reports success; GracefulShutdown bounds it with SHUTDOWN_TIMEOUT_MS.
  app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
  setupOpenApi(app);
  return app;
}
