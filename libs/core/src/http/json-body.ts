import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors/domain-error';

/** How deep a request body may nest objects and lists: Relais's deepest DTO needs 3. */
export const JSON_MAX_DEPTH = 32;

/**
 * Whether a JSON text nests objects or lists deeper than `max`, read without parsing: a loop
 * over the characters, skipping strings and their escapes. JSON.parse itself recurses, and
 * what comes after it (prototype checks, class-transformer, class-validator) recurses again:
 * 50 000 levels in under 1 MB overflow the stack after a second of work. This scan refuses
 * them in a few milliseconds, before any of that. Malformed text is left to JSON.parse.
 */
export function jsonDepthExceeds(text: string, max = JSON_MAX_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

export class JsonTooDeepError extends DomainError {
  constructor(max = JSON_MAX_DEPTH) {
    super('JSON_TROP_PROFOND', 'invalid_input', `Le corps de la requête imbrique trop d’objets ou de listes (${max} niveaux au plus).`);
  }
}

/**
 * The API reads JSON bodies and nothing else: every other content type (text/plain,
 * form-encoded, multipart) gets Fastify's 415, as a body without a content type does. JSON is
 * scanned for depth first, then parsed by Fastify's own parser, which keeps its protection
 * against prototype poisoning (`__proto__`, `constructor.prototype` → 400).
 */
export function registerJsonBodyParser(fastify: FastifyInstance, maxDepth = JSON_MAX_DEPTH): void {
  const { bodyLimit, onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    if (jsonDepthExceeds(body as string, maxDepth)) {
      done(new JsonTooDeepError(maxDepth), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
