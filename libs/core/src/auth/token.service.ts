import { webcrypto } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { JWTPayload, jwtVerify, ProtectedHeaderParameters, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config';
import { UnauthenticatedError } from '../errors/domain-error';
import { OidcKeyStore } from './oidc-keys';

export const DEV_ISSUER = 'relais-dev';
export const DEV_AUDIENCE = 'relais';

/** Who a verified token names: the directory user id (dev tokens) or an e-mail (OIDC tokens). */
export type TokenSubject = { kind: 'userId'; userId: string } | { kind: 'email'; email: string };

/** Why a token was refused: logged, and told to the client in `WWW-Authenticate` (RFC 6750). */
export type TokenRefusal =
  | 'expired'
  | 'not_yet_valid'
  | 'audience'
  | 'issuer'
  | 'signature'
  | 'unknown_key'
  | 'algorithm'
  | 'not_access_token'
  | 'email_missing'
  | 'email_unverified'
  | 'malformed'
  | 'unknown_account';

/** The client-facing French detail and the ASCII `error_description` (RFC 6750 §3 allows no other characters) of each refusal. */
const REFUSALS: Record<TokenRefusal, { detail: string; description: string }> = {
  expired: { detail: 'Jeton d’accès expiré : obtenez-en un nouveau.', description: 'The access token expired' },
  not_yet_valid: { detail: 'Jeton d’accès pas encore valide (nbf/iat dans le futur).', description: 'The access token is not valid yet' },
  audience: {
    detail: 'Ce jeton n’est pas destiné à Relais (audience « aud » différente).',
    description: 'The access token was issued for another audience',
  },
  issuer: { detail: 'Ce jeton vient d’un autre émetteur (« iss »).', description: 'The access token comes from another issuer' },
  signature: { detail: 'La signature du jeton est invalide.', description: 'The access token signature is invalid' },
  unknown_key: {
    detail: 'Le jeton est signé par une clé inconnue du fournisseur d’identité.',
    description: 'The access token is signed with an unknown key',
  },
  algorithm: { detail: 'Algorithme de signature du jeton non accepté.', description: 'The access token signing algorithm is not accepted' },
  not_access_token: {
    detail: 'Ce jeton n’est pas un jeton d’accès (jeton d’identité ou autre) : envoyez l’access token.',
    description: 'Not an access token (ID token or other JWT)',
  },
  email_missing: { detail: 'Le jeton ne porte pas d’adresse e-mail.', description: 'The access token carries no e-mail claim' },
  email_unverified: {
    detail: 'L’adresse e-mail du jeton n’est pas vérifiée par le fournisseur d’identité.',
    description: 'The e-mail address of the token is not verified',
  },
  malformed: { detail: 'Jeton d’accès illisible.', description: 'The access token is malformed' },
  unknown_account: { detail: 'Ce compte est inconnu ou désactivé.', description: 'No active account matches this identity' },
};

/** A refused bearer token: 401, with the reason for the log and for `WWW-Authenticate`. */
export class InvalidTokenError extends UnauthenticatedError {
  readonly description: string;

  constructor(readonly reason: TokenRefusal) {
    super(REFUSALS[reason].detail);
    this.description = REFUSALS[reason].description;
  }
}

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 6750 §3): without a token, the bare realm;
 * with a refused one, `invalid_token` and the reason, so an integrator can tell a wrong audience
 * from an expired token without reading our logs.
 */
export function bearerChallenge(err?: unknown): string {
  if (err instanceof InvalidTokenError) {
    return `Bearer realm="relais", error="invalid_token", error_description="${err.description}"`;
  }
  return 'Bearer realm="relais"';
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Claims only an ID token carries (OpenID Connect Core §2, §3.3.2.11). */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

const REFUSAL_LOG_EVERY_MS = 60_000;

/**
 * Verifies bearer tokens. With OIDC_ISSUER set, tokens come from the identity provider (its
 * keys held by OidcKeyStore), must be access tokens for OIDC_AUDIENCE and name the user by a
 * verified e-mail; otherwise the development issuer signs HS256 tokens whose `sub` is the
 * directory user id.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('Auth');
  /**
   * The development HMAC key, imported once: given raw bytes, jose imports them into WebCrypto on
   * every sign and verify, a quarter of a millisecond per request (issue #17).
   */
  private secret?: Promise<webcrypto.CryptoKey>;
  private readonly refusalLog = new Map<TokenRefusal, { loggedAt: number; suppressed: number }>();

  constructor(
    private readonly config: AppConfig,
    @Optional() private readonly keys?: OidcKeyStore,
  ) {}

  private devKey(): Promise<webcrypto.CryptoKey> {
    this.secret ??= webcrypto.subtle.importKey('raw', new TextEncoder().encode(this.config.devSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return this.secret;
  }

  async issueDevToken(user: { id: string; email: string; role: string }): Promise<{ accessToken: string; expiresIn: number }> {
    const expiresIn = this.config.JWT_TTL_SECONDS;
    const accessToken = await new SignJWT({ email: user.email, role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${expiresIn}s`)
      .sign(await this.devKey());
    return { accessToken, expiresIn };
  }

  async verify(token: string): Promise<TokenSubject> {
    try {
      if (this.config.oidcEnabled) return await this.verifyOidc(token);
      const { payload } = await jwtVerify(token, await this.devKey(), { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'] });
      if (!payload.sub) throw new InvalidTokenError('malformed');
      return { kind: 'userId', userId: payload.sub };
    } catch (err) {
      const refused = err instanceof InvalidTokenError ? err : new InvalidTokenError(refusalOf(err));
      this.logRefusal(refused.reason);
      throw refused;
    }
  }

  /** Logs a refusal decided elsewhere (a valid token naming no active account). */
  refuse(reason: TokenRefusal): InvalidTokenError {
    this.logRefusal(reason);
    return new InvalidTokenError(reason);
  }

  private async verifyOidc(token: string): Promise<TokenSubject> {
    if (!this.keys) throw new Error('OidcKeyStore missing while OIDC is configured');
    const { payload, protectedHeader } = await jwtVerify(token, this.keys.getKey, {
      issuer: this.config.OIDC_ISSUER,
      audience: this.config.OIDC_AUDIENCE,
      algorithms: ASYMMETRIC_ALGORITHMS,
      requiredClaims: ['exp'],
    });
    if (!isAccessToken(protectedHeader, payload, this.config.OIDC_AUDIENCE!)) throw new InvalidTokenError('not_access_token');
    const email = payload[this.config.OIDC_EMAIL_CLAIM];
    if (typeof email !== 'string' || !email) throw new InvalidTokenError('email_missing');
    // Absent: many providers (Entra ID…) do not put it in access tokens, and the directory is the
    // allow-list. Present: only `true` (or "true", as some providers send it) lets the e-mail identify anyone.
    if ('email_verified' in payload && payload.email_verified !== true && payload.email_verified !== 'true') {
      throw new InvalidTokenError('email_unverified');
    }
    return { kind: 'email', email: email.toLowerCase() };
  }

  /** Each reason logged at most once a minute, with how many were not: never the token nor whom it names. */
  private logRefusal(reason: TokenRefusal): void {
    const now = Date.now();
    const entry = this.refusalLog.get(reason);
    if (entry && now - entry.loggedAt < REFUSAL_LOG_EVERY_MS) {
      entry.suppressed++;
      return;
    }
    this.refusalLog.set(reason, { loggedAt: now, suppressed: 0 });
    this.logger.warn({ reason, suppressedSinceLastLog: entry?.suppressed ?? 0 }, `Access token refused: ${REFUSALS[reason].description}`);
  }
}

/**
 * RFC 9068 §4 says to refuse any JWT whose `typ` is not `at+jwt`; but Keycloak and Entra ID,
 * among others, sign their access tokens with `typ: JWT` (or none), like ID tokens. So:
 * - `typ: at+jwt` (or `application/at+jwt`): an access token, as the provider declares;
 * - `typ: JWT` or no `typ`: accepted unless it looks like an ID token: a claim only ID tokens
 *   carry (`nonce`, `at_hash`, `c_hash`, `s_hash`), a Keycloak `typ` claim other than `Bearer`
 *   (`ID`, `Refresh`…), or an authorized party (`azp`/`client_id`) equal to the audience, i.e. a
 *   token a client got for itself, which is what an ID token is;
 * - any other `typ` (`logout+jwt`, `secevent+jwt`, `dpop+jwt`…): refused.
 * Together with the mandatory audience check this refuses the ID tokens of every client whose
 * id is not OIDC_AUDIENCE, and those of that client too.
 */
export function isAccessToken(header: ProtectedHeaderParameters, payload: JWTPayload, audience: string): boolean {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : undefined;
  if (typ === 'at+jwt') return true;
  if (typ !== undefined && typ !== 'jwt') return false;
  if (ID_TOKEN_CLAIMS.some((claim) => claim in payload)) return false;
  if (typeof payload.typ === 'string' && payload.typ.toLowerCase() !== 'bearer') return false;
  if (payload.azp === audience || payload.client_id === audience) return false;
  return true;
}

/** jose's error codes, mapped to what an integrator needs to know. */
function refusalOf(err: unknown): TokenRefusal {
  const e = err as { code?: string; claim?: string };
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'aud') return 'audience';
      if (e.claim === 'iss') return 'issuer';
      if (e.claim === 'nbf' || e.claim === 'iat') return 'not_yet_valid';
      return 'malformed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown_key';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm';
    default:
      return 'malformed';
  }
}
