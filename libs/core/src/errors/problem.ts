import { ErrorKind, FieldError } from './domain-error';

/** RFC 9457 problem details, as Relais sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  unprocessable: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
};

export const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Authentification requise',
  403: 'Accès refusé',
  404: 'Ressource introuvable',
  405: 'Méthode non autorisée',
  408: 'Délai dépassé',
  409: 'Conflit',
  412: 'Version périmée',
  413: 'Requête trop volumineuse',
  414: 'Adresse trop longue',
  415: 'Type de contenu non pris en charge',
  422: 'Requête refusée',
  428: 'Précondition requise',
  429: 'Trop de requêtes',
  431: 'En-têtes trop volumineux',
  500: 'Erreur interne',
  503: 'Service indisponible',
};

export function problemType(code: string): string {
  return `urn:relais:probleme:${code.toLowerCase().replace(/_/g, '-')}`;
}
