import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/core';

/** The only routes that read multipart bodies; every other route keeps answering 415 to them. */
const MULTIPART_ROUTES = new Set(['/api/v1/dispositifs/:id/documents']);

/**
 * @fastify/multipart, for the upload route only. The plugin's parser would accept multipart on
 * every route (a JSON route would then see an empty body and answer 400 rather than 415): it
 * is replaced by one that lets multipart through on MULTIPART_ROUTES and refuses it elsewhere,
 * as registerJsonBodyParser refuses every non-JSON type.
 */
export async function registerMultipart(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(multipart as never, {
    throwFileSizeLimit: true,
    limits: { fileSize: config.DOCUMENT_TAILLE_MAX_MO * 1024 * 1024, files: 1, fields: 4, parts: 6, fieldSize: 2048, fieldNameSize: 100, headerPairs: 50 },
  } as never);
  fastify.removeContentTypeParser('multipart/form-data');
  fastify.addContentTypeParser('multipart/form-data', (request, _payload, done) => {
    if (!MULTIPART_ROUTES.has(request.routeOptions.url ?? '')) {
      done(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      return;
    }
    // What the plugin's own parser does (its marker is private): request.file()/parts() then read the stream.
    (request as unknown as { isMultipart(): boolean }).isMultipart = () => true;
    done(null, undefined);
  });
}

/**
 * The parts of an upload's body, read lazily: the parser's refusals (a non-multipart body, no
 * boundary) then happen inside the upload's error handling, on the first read, not before it.
 */
export async function* documentParts(request: FastifyRequest): AsyncGenerator<unknown> {
  yield* (request as unknown as { parts(): AsyncIterable<unknown> }).parts();
}
