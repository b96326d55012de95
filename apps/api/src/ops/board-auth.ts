import { Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerChallenge, DomainError, ForbiddenError, PROBLEM_CONTENT_TYPE, TokenService, toProblem, UnauthenticatedError } from '@app/core';
import { FindAuthUserQuery } from '@app/directory';

/** The cookie a browser sends to open the board (the UI's own XHR calls cannot add a bearer header). */
export const TOKEN_COOKIE = 'relais_token';

type Credential = { token: string; via: 'header' | 'cookie' };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The board's routes are Fastify routes: Nest's AuthGuard never sees them. This onRequest hook
 * applies the same rule as the guard (valid token naming an active user) and then requires the
 * admin role; it answers 401/403 as problem+json, like every other refusal of the API.
 */
export function boardAuthHook(tokens: TokenService, queryBus: QueryBus) {
  const logger = new Logger('QueueBoard');

  return async function authorizeBoard(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    try {
      const credential = credentialOf(request);
      if (!credential?.token) {
        throw new UnauthenticatedError(
          `Authentification requise : envoyez un jeton « Authorization: Bearer … » ou le cookie ${TOKEN_COOKIE}.`,
        );
      }
      const auth = await queryBus.execute(new FindAuthUserQuery(await tokens.verify(credential.token)));
      if (!auth) throw tokens.refuse('unknown_account');
      if (auth.role !== 'admin') throw new ForbiddenError('Le tableau des files est réservé aux administrateurs.');
      // A cookie rides along with cross-site requests: the board's actions (retry, clean,
      // delete…) must come from the board's own page. A bearer header cannot be forged that way.
      if (credential.via === 'cookie' && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
        throw new ForbiddenError('Requête d’une autre origine refusée.');
      }
    } catch (err) {
      if (!(err instanceof DomainError)) logger.error({ err }, 'board authorization failed');
      const problem = toProblem(err, request.url.split('?')[0]);
      if (problem.status === 401) reply.header('www-authenticate', bearerChallenge(err));
      // Returning the reply tells Fastify the request is answered: the board's route never runs.
      return reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
    }
  };
}

function credentialOf(request: FastifyRequest): Credential | null {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // A malformed Authorization header is refused rather than silently replaced by the cookie.
    return match ? { token: match[1], via: 'header' } : { token: '', via: 'header' };
  }
  const cookie = readCookie(request.headers.cookie, TOKEN_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw) || null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Browsers say where a request comes from: `Sec-Fetch-Site` (all current browsers), else
 * `Origin` (sent with every non-GET request). A request with neither is not from a browser
 * page, so there is no cross-site forgery to fear.
 */
function isSameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}
