import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { safeError } from './safe-error';

/** Fields that may carry personal data or secrets: never written to logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  '*.usager',
  '*.email',
  '*.telephone',
  '*.nom',
  '*.accessToken',
  '*.password',
  '*.secretAccessKey',
];

/** A client's `x-request-id` is kept only when it looks like an id: short, no spaces, no markup. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The request id of every request (Fastify's `genReqId`, with `requestIdHeader: false`): the
 * caller's `x-request-id` when a proxy sent a plausible one, a fresh UUID otherwise. Fastify
 * would take the header as is (8 000 characters, anything printable) into every log line.
 */
export function requestId(req: { headers: IncomingMessage['headers'] }): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Nest's start-up inventory (one line per module and route): kept for `LOG_LEVEL=debug`. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** A path whose last segment is a key (an usager's tracking link, a document's share link: whoever holds it opens it). */
const SECRET_PATH = /^(\/suivi\/|\/public\/documents\/)[^/]+/;

/** The request's path as logged: no query string (a `?q=` search can be a name), no key. */
export function loggedPath(url: string | undefined): string | undefined {
  return url?.split('?')[0].replace(SECRET_PATH, '$1[masqué]');
}

/** Probes and scrapes come every few seconds: logging them would drown the requests that matter. */
const UNLOGGED_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/**
 * pino JSON logs, one line per request: `req` (id, method, path without query string: a
 * `?q=` search can be a name), `res` (status) and `responseTime`, never headers or bodies.
 */
export function loggerModule(config: AppConfig) {
  return PinoLoggerModule.forRoot({
    forRoutes: ['{*splat}'],
    pinoHttp: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
      // Fastify already gave the request its id (see requestId); this is for non-Fastify use.
      genReqId: (req: IncomingMessage) => requestId(req),
      customProps: () => ({ service: 'relais' }),
      // Behind middie, `url` may be relative to the middleware's mount point: `originalUrl` is the full one.
      autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => UNLOGGED_PATHS.has((req.originalUrl ?? req.url ?? '').split('?')[0]) },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: loggedPath(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // pino-http's own "failed with status code 500" carries nothing but its stack.
        err: (err: unknown) => (/^failed with status code \d+$/.test(String((err as { message?: unknown })?.message)) ? undefined : safeError(err)),
      },
      // One shape for every request line; the level tells a failure.
      customLogLevel: (_req: IncomingMessage, res: { statusCode: number }, err?: unknown) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      customSuccessMessage: () => 'request completed',
      customErrorMessage: () => 'request completed',
      hooks: {
        logMethod(this: { debug: (...args: unknown[]) => void }, args: unknown[], method: (...args: unknown[]) => void, level: number) {
          const context = (args[0] as { context?: unknown } | undefined)?.context;
          if (level === 30 && typeof context === 'string' && BOOT_CONTEXTS.has(context)) return this.debug(...args);
          return method.apply(this, args);
        },
      },
    },
  });
}
