import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { OutageLog } from '../logging/outage-log';
import { DomainError } from './domain-error';
import { isServiceUnavailable, UNAVAILABLE_RETRY_AFTER_S } from './unavailable';
import { Problem, PROBLEM_CONTENT_TYPE, problemType, STATUS_BY_KIND, TITLE_BY_STATUS } from './problem';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(payload: unknown): unknown;
}

/** Turns every error into an RFC 9457 problem+json body, in French, without leaking internals. */
export function toProblem(exception: unknown, instance?: string): Problem {
  if (exception instanceof DomainError) {
    const status = STATUS_BY_KIND[exception.kind];
    const { errors, ...extensions } = exception.details;
    return {
      type: problemType(exception.code),
      title: TITLE_BY_STATUS[status] ?? 'Erreur',
      status,
      detail: exception.message,
      code: exception.code,
      ...(instance ? { instance } : {}),
      ...extensions,
      ...(errors ? { errors } : {}),
    };
  }
  if (exception instanceof ThrottlerException) {
    return {
      type: problemType('TROP_DE_REQUETES'),
      title: TITLE_BY_STATUS[429],
      status: 429,
      detail: 'Trop de tentatives. Réessayez dans une minute.',
      code: 'TROP_DE_REQUETES',
      ...(instance ? { instance } : {}),
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    // The Fastify adapter rethrows body-parser errors as HttpExceptions with English messages.
    const bodyError = status === 400 && /JSON|[Bb]ody/.test(exception.message);
    const code = status === 404 ? 'INTROUVABLE' : bodyError ? 'CORPS_INVALIDE' : `HTTP_${status}`;
    const detail =
      status === 404
        ? 'Cette adresse ne correspond à aucune ressource.'
        : bodyError
          ? /empty|cannot be empty/i.test(exception.message)
            ? 'Le corps de la requête est vide alors qu’il est déclaré en JSON.'
            : 'Le corps de la requête n’est pas un JSON valide.'
          : frenchHttpDetail(status);
    return { type: problemType(code), title: TITLE_BY_STATUS[status] ?? 'Erreur', status, detail, code, ...(instance ? { instance } : {}) };
  }
  const fastifyError = exception as { statusCode?: number; code?: string } | undefined;
  if (fastifyError?.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // Fastify's own errors: malformed JSON body, wrong content type, body too large.
    const status = fastifyError.statusCode;
    const detail =
      fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Type de contenu non pris en charge : envoyez du JSON (application/json).'
        : fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'Le corps de la requête est trop volumineux.'
          : status === 400
            ? 'Le corps de la requête n’est pas un JSON valide.'
            : frenchHttpDetail(status);
    const code = status === 400 ? 'CORPS_INVALIDE' : `HTTP_${status}`;
    return { type: problemType(code), title: TITLE_BY_STATUS[status] ?? 'Erreur', status, detail, code };
  }
  if (isServiceUnavailable(exception)) {
    return {
      type: problemType('SERVICE_INDISPONIBLE'),
      title: TITLE_BY_STATUS[503],
      status: 503,
      detail: 'Le service est momentanément indisponible. Réessayez dans quelques secondes.',
      code: 'SERVICE_INDISPONIBLE',
      ...(instance ? { instance } : {}),
    };
  }
  return {
    type: problemType('ERREUR_INTERNE'),
    title: TITLE_BY_STATUS[500],
    status: 500,
    detail: 'Une erreur inattendue est survenue. Elle a été enregistrée ; réessayez plus tard.',
    code: 'ERREUR_INTERNE',
    ...(instance ? { instance } : {}),
  };
}

function frenchHttpDetail(status: number): string {
  switch (status) {
    case 401:
      return 'Authentification requise.';
    case 403:
      return 'Accès refusé.';
    case 405:
      return 'Méthode non autorisée sur cette adresse.';
    case 413:
      return 'Le corps de la requête est trop volumineux.';
    case 415:
      return 'Type de contenu non pris en charge.';
    default:
      return 'La requête n’a pas pu être traitée.';
  }
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');
  private readonly outage = new OutageLog(this.logger, 'requests', { quietEndsAfterMs: 30_000 });

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<{ url?: string; id?: string }>();
    const reply = http.getResponse<ReplyLike>();
    const problem = toProblem(exception, request?.url?.split('?')[0]);
    if (problem.code === 'SERVICE_INDISPONIBLE') {
      // An outage fails every request: one line a minute, not a stack per request.
      this.outage.failure(exception, 'database or Redis unavailable: answering 503');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception, requestId: request?.id }, 'Unhandled error');
    }
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
