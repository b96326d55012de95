import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The OpenAPI UI and document: public, no personal data, fine to cache. */
const CACHEABLE = /^\/api\/docs(?:[/?.-]|$)/;

/**
 * Every other answer can carry personal data (an usager, a contact, a message, the directory)
 * or a problem+json about it: no browser, proxy or shared cache may keep it. A handler that
 * chose its own `cache-control` keeps it. The request id (see `requestId`) is echoed so that a
 * caller can quote it when reporting a problem.
 */
export function registerResponseHeaders(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      reply.header('x-request-id', request.id);
      if (!CACHEABLE.test(request.url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
}
