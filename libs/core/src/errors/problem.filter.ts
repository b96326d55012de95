import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { OutageLog } from '../logging/outage-log';
import { safeError } from '../logging/safe-error';
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
  // Fastify's own errors (router, body parser), as thrown or as the adapter wraps them.
  const fastifyError = asFastifyError(exception) ?? (exception instanceof HttpException ? asFastifyError(exception.cause) : undefined);
  if (fastifyError) return fastifyProblem(fastifyError, instance);
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

interface FastifyErrorLike {
  statusCode: number;
  code?: string;
}

/** A 4xx error of Fastify or a plugin, with its statusCode (a 5xx one is a server fault: it stays a 500, and is logged). */
function asFastifyError(error: unknown): FastifyErrorLike | undefined {
  const candidate = error as { statusCode?: unknown; code?: unknown } | undefined;
  if (typeof candidate?.statusCode !== 'number' || candidate.statusCode < 400 || candidate.statusCode >= 500) return undefined;
  return candidate as FastifyErrorLike;
}

/** Fastify's English messages name the URL or the body: never echoed, a French detail instead. */
function fastifyProblem(error: FastifyErrorLike, instance?: string): Problem {
  const status = error.statusCode;
  const [code, detail] =
    error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
      ? [`HTTP_${status}`, 'Type de contenu non pris en charge : envoyez du JSON (application/json).']
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? [`HTTP_${status}`, 'Le corps de la requête est trop volumineux.']
        : error.code === 'FST_ERR_BAD_URL'
          ? ['ADRESSE_INVALIDE', 'L’adresse de la requête est malformée (encodage en pourcentage invalide).']
          : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? ['ADRESSE_TROP_LONGUE', 'Un élément de l’adresse de la requête est trop long.']
            : error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
              ? ['CORPS_INVALIDE', 'Le corps de la requête est vide alors qu’il est déclaré en JSON.']
              : status === 400
                ? ['CORPS_INVALIDE', 'Le corps de la requête n’est pas un JSON valide.']
                : [`HTTP_${status}`, frenchHttpDetail(status)];
  return { type: problemType(code), title: TITLE_BY_STATUS[status] ?? 'Erreur', status, detail, code, ...(instance ? { instance } : {}) };
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
      // Allow-listed fields only: a failed write's parameters are personal data.
      this.logger.error({ err: safeError(exception), requestId: request?.id }, 'Unhandled error');
    }
    reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }
}
