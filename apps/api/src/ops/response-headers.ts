import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** The OpenAPI UI and document: public, no personal data, fine to cache. */
const CACHEABLE = /^\/api\/docs(?:[/?.-]|$)/;

/**
 * Every other answer can carry personal data (an usager, a contact, a message, the directory)
 * or a problem+json about it: no browser, proxy or shared cache may keep it. A handler that
 * chose its own `cache-control` keeps it. The request id (see `requestId`) is echoed so that a
 * caller can quote it when reporting a problem. The CSP's `upgrade-insecure-requests` only
 * goes with answers to HTTPS requests.
 */
export function registerResponseHeaders(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      reply.header('x-request-id', request.id);
      // Over HTTPS (directly, or behind a TLS proxy with TRUST_PROXY and X-Forwarded-Proto) the
      // browser may upgrade stray http:// URLs; over plain HTTP that would break every asset.
      const csp = reply.getHeader('content-security-policy');
      if (request.protocol === 'https' && typeof csp === 'string' && !csp.includes('upgrade-insecure-requests')) {
        reply.header('content-security-policy', `${csp};upgrade-insecure-requests`);
      }
      if (!CACHEABLE.test(request.url) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });
}
