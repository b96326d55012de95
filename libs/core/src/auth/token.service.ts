import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { AppConfig } from '../config/app-config';
import { UnauthenticatedError } from '../errors/domain-error';

export const DEV_ISSUER = 'relais-dev';
export const DEV_AUDIENCE = 'relais';

/** Who a verified token names: the directory user id (dev tokens) or an e-mail (OIDC tokens). */
export type TokenSubject = { kind: 'userId'; userId: string } | { kind: 'email'; email: string };

/**
 * Verifies bearer tokens. With OIDC_ISSUER and OIDC_JWKS_URL set, tokens come from the identity
 * provider (keys fetched and cached from its JWKS) and name the user by e-mail; otherwise the
 * development issuer signs HS256 tokens whose `sub` is the directory user id.
 */
@Injectable()
export class TokenService {
  private readonly secret: Uint8Array;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: AppConfig) {
    this.secret = new TextEncoder().encode(config.devSecret);
    if (config.oidcEnabled) this.jwks = createRemoteJWKSet(new URL(config.OIDC_JWKS_URL!));
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
      .sign(this.secret);
    return { accessToken, expiresIn };
  }

  async verify(token: string): Promise<TokenSubject> {
    try {
      if (this.jwks) {
        const { payload } = await jwtVerify(token, this.jwks, {
          issuer: this.config.OIDC_ISSUER,
          audience: this.config.OIDC_AUDIENCE,
        });
        const email = payload[this.config.OIDC_EMAIL_CLAIM];
        if (typeof email !== 'string' || !email) throw new Error('no e-mail claim');
        return { kind: 'email', email: email.toLowerCase() };
      }
      const { payload } = await jwtVerify(token, this.secret, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: ['HS256'] });
      return subjectOf(payload);
    } catch {
      throw new UnauthenticatedError('Jeton d’accès invalide ou expiré.');
    }
  }
}

function subjectOf(payload: JWTPayload): TokenSubject {
  if (!payload.sub) throw new Error('no subject');
  return { kind: 'userId', userId: payload.sub };
}
