import { DomainError } from '../errors/domain-error';

/** The ETag of a versioned resource. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Parses If-Match into the version the client holds: `"3"`, `W/"3"` or `3`; `*` or no header
 * means "any version". Anything else is a 400 naming the header.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new DomainError('IF_MATCH_INVALIDE', 'invalid_input', 'En-tête If-Match invalide.', {
      errors: [{ field: 'If-Match', message: 'doit reprendre l’ETag reçu, par exemple "3".' }],
    });
  }
  return Number(match[1]);
}

/**
 * If-Match for the updates that must carry it (edits of a resource's content: `PATCH
 * /commandes/{id}`, `PUT /sla/politiques/{id}`, `PUT /calendriers/{id}`): without the version
 * the client read, a blind write would silently undo someone else's edit. Absent, empty or `*`
 * answers 428 (RFC 6585); garbage is a 400 as in parseIfMatch.
 */
export function requireIfMatch(header: string | undefined): number {
  const version = parseIfMatch(header);
  if (version === undefined) {
    throw new DomainError(
      'IF_MATCH_REQUIS',
      'precondition_required',
      'Cette modification exige l’en-tête If-Match : renvoyez l’ETag de la ressource telle que vous l’avez lue (par exemple "3"), pour ne pas écraser une modification faite entre-temps.',
      { errors: [{ field: 'If-Match', message: 'obligatoire : reprenez l’ETag reçu en lisant la ressource.' }] },
    );
  }
  return version;
}
