import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

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
];

/** pino JSON logs with a request id (taken from `x-request-id` when a proxy sets one). */
export function loggerModule(config: AppConfig) {
  return PinoLoggerModule.forRoot({
    forRoutes: ['{*splat}'],
    pinoHttp: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
      genReqId: (req: IncomingMessage) => {
        const header = req.headers['x-request-id'];
        return typeof header === 'string' && /^[\w.-]{1,128}$/.test(header) ? header : randomUUID();
      },
      customProps: () => ({ service: 'relais' }),
      // Probes and scrapes come every few seconds: logging them would drown the requests that matter.
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/health/live' || req.url === '/metrics' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
      },
    },
  });
}
