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
