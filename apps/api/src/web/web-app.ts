import fastifyStatic from '@fastify/static';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where `npm run build:web` writes the web app (apps/web), from the repository root. */
export const WEB_DIST = path.resolve(process.cwd(), 'dist/web');

/** Paths that belong to the server (API, probes, queue board): never answered by index.html. */
const SERVER_PREFIXES = ['/api', '/health', '/metrics', '/public', '/suivi', '/admin/queues'];

function isServerPath(url: string): boolean {
  const pathname = url.split('?')[0];
  return SERVER_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/**
 * Serves the web app at `/` when it has been built: its files as they are (hashed assets cached
 * for a year), and index.html for every other GET outside the API, so that the client-side
 * router owns those addresses. Registered before Nest's routes, which win over the catch-all
 * (static and parametric routes beat a wildcard); an unknown API path still reaches Nest's 404
 * (problem+json). Without a build the API runs as before.
 */
export async function setupWebApp(app: NestFastifyApplication, root = WEB_DIST): Promise<boolean> {
  if (!existsSync(path.join(root, 'index.html'))) return false;
  await app.register(fastifyStatic as never, {
    root,
    prefix: '/',
    // One route per file present at boot, rather than a wildcard that would shadow the fallback.
    wildcard: false,
    index: false,
    setHeaders: (reply: { header(name: string, value: string): unknown }, file: string) => {
      reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/*', (request, reply) => {
    if (isServerPath(request.url) || path.extname(request.url.split('?')[0])) return reply.callNotFound();
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', root);
  });
  return true;
}
