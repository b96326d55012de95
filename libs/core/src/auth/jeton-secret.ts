import { createHash, randomBytes } from 'node:crypto';

/**
 * The bearer tokens of public links (the usager's tracking page, shared documents; ADR 0010):
 * 32 random bytes (256 bits) in base64url, 43 URL-safe characters without padding. Only the
 * hex SHA-256 is stored: a 256-bit random token needs no salt nor slow hash.
 */
export const JETON_SECRET = /^[A-Za-z0-9_-]{43}$/;

export function nouveauJetonSecret(): { jeton: string; hash: string } {
  const jeton = randomBytes(32).toString('base64url');
  return { jeton, hash: hashJetonSecret(jeton) };
}

export function hashJetonSecret(jeton: string): string {
  return createHash('sha256').update(jeton, 'utf8').digest('hex');
}
