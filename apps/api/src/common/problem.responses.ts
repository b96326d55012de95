import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** One invalid field of a 400 (or a 422 naming fields). */
export class FieldErrorDto {
  @ApiProperty({ example: 'usager.email', description: 'Le champ en cause, en notation pointée (liste : livrables[0].libelle).' })
  field: string;

  @ApiProperty({ example: 'Donnez une adresse e-mail valide.' })
  message: string;
}

/**
 * RFC 9457 problem details, as ProblemFilter sends every error. Domain errors may add
 * extensions (e.g. `versionAttendue`/`versionActuelle` on a 412, `statut` on a 409), hence
 * additionalProperties.
 */
export class ProblemDetailsDto {
  @ApiProperty({ example: 'urn:relais:probleme:validation', description: 'URN stable du type de problème (dérivée de code).' })
  type: string;

  @ApiProperty({ example: 'Requête invalide' })
  title: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'La requête contient des champs invalides.' })
  detail: string;

  @ApiProperty({ example: 'VALIDATION', description: 'Code stable, à tester plutôt que le texte.' })
  code: string;

  @ApiPropertyOptional({ example: '/api/v1/questions', description: 'Le chemin de la requête.' })
  instance?: string;

  @ApiPropertyOptional({ type: FieldErrorDto, isArray: true, description: 'Une entrée par champ refusé (400, et 422 quand des champs manquent).' })
  errors?: FieldErrorDto[];

  // Extensions of some problems (RFC 9457 §3.2); others may come, hence additionalProperties (openapi.ts).
  @ApiPropertyOptional({ example: 'escaladee', description: '409 : l’état actuel de la ressource.' })
  statutActuel?: string;

  @ApiPropertyOptional({ example: 'escalader', description: '409, 403 : l’action refusée.' })
  action?: string;

  @ApiPropertyOptional({ type: 'integer', description: '412 : la version envoyée dans If-Match.' })
  versionAttendue?: number;

  @ApiPropertyOptional({ type: 'integer', description: '412 : la version actuelle.' })
  versionActuelle?: number;

  @ApiPropertyOptional({ type: String, isArray: true, description: '422 d’émettre : les champs du cahier des charges à compléter.' })
  manquants?: string[];

  @ApiPropertyOptional({ type: String, isArray: true, description: '422 d’émettre : ce qui bloque et ce qui mérite un second regard.' })
  alertes?: string[];
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Requête invalide : paramètre, corps ou curseur refusé (errors nomme chaque champ).',
  401: 'Authentification requise : jeton absent, invalide, expiré, ou compte inconnu ou désactivé.',
  403: 'Votre rôle ou votre périmètre ne permet pas cette action.',
  404: 'Ressource introuvable, ou hors de votre périmètre.',
  409: 'Transition impossible depuis l’état actuel, ou modification concurrente (le détail nomme l’état).',
  412: 'If-Match périmé : la ressource a changé entre-temps (versionAttendue, versionActuelle).',
  413: 'Corps de la requête trop volumineux (1 Mo au plus).',
  415: 'Type de contenu non pris en charge : envoyez application/json.',
  422: 'Requête bien formée mais refusée par une règle métier (Idempotency-Key réutilisée avec un autre corps, cahier des charges incomplet…).',
  428: 'If-Match obligatoire sur cette modification.',
  429: 'Trop de requêtes : réessayez plus tard.',
  503: 'Service momentanément indisponible (base de données ou Redis injoignable) : réessayez après Retry-After.',
};

/** The response object of a problem status: problem+json with the shared schema. */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Erreur.') {
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } } };
}

/**
 * The route-specific problem answers of an operation (403, 409, 412, 422, 428, 429…), with an
 * optional description per status. The ones every route of a kind can give (400, 401, 404,
 * 413, 415, 503) are added from the route's shape by openapi.ts.
 */
export function ApiProblems(...statuses: Array<number | [number, string]>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...statuses.map((entry) => {
      const [status, description] = Array.isArray(entry) ? entry : [entry, undefined];
      return ApiResponse({ status, ...problemResponse(status, description) });
    }),
  );
}
