/**
 * What kind of failure a DomainError is. The HTTP edge maps each kind to a status; the domain
 * never speaks HTTP.
 */
export type ErrorKind =
  | 'invalid_input' // 400: malformed request, per-field errors
  | 'unauthenticated' // 401
  | 'forbidden' // 403: the role may never do this
  | 'not_found' // 404: absent, or outside the caller's scope
  | 'conflict' // 409: a forbidden transition, a concurrent change
  | 'precondition_failed' // 412: stale If-Match
  | 'precondition_required' // 428: an update that must carry If-Match came without it
  | 'unprocessable' // 422: well-formed but refused by a business rule
  | 'payload_too_large' // 413: an uploaded file over its limit
  | 'unsupported_media_type' // 415: an uploaded file of a type not accepted
  | 'too_many_requests'; // 429

export interface FieldError {
  field: string;
  message: string;
}

/** A coded business error with a French message for users. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'La requête contient des champs invalides.') {
    super('VALIDATION', 'invalid_input', message, { errors });
  }
}

export class NotFoundError extends DomainError {
  /** `message` is a whole French sentence, e.g. « Question introuvable. » */
  constructor(message = 'Ressource introuvable.', code = 'INTROUVABLE') {
    super(code, 'not_found', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentification requise.') {
    super('NON_AUTHENTIFIE', 'unauthenticated', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Votre rôle ne permet pas cette action.') {
    super('INTERDIT', 'forbidden', message);
  }
}

export class StaleVersionError extends DomainError {
  constructor(expected: number, actual: number) {
    super(
      'VERSION_PERIMEE',
      'precondition_failed',
      `La ressource a été modifiée entre-temps (version ${actual}, vous aviez la version ${expected}). Rechargez-la avant de recommencer.`,
      { versionAttendue: expected, versionActuelle: actual },
    );
  }
}

export class ConcurrentUpdateError extends DomainError {
  constructor() {
    super('MODIFICATION_CONCURRENTE', 'conflict', 'Une autre modification vient d’être enregistrée. Rechargez avant de recommencer.');
  }
}
