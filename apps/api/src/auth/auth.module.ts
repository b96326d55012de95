import { Global, Module } from '@nestjs/common';
import { OidcKeyStore, TokenService } from '@app/core';
import { AuthUserCache } from './auth-user.cache';

/**
 * Token verification, shared by the guard, the queue board's hook and the readiness probe. The
 * key store checks the identity provider at boot (refusing to start on a wrong OIDC_ISSUER) and
 * is inert without OIDC.
 */
@Global()
@Module({
  providers: [OidcKeyStore, TokenService, AuthUserCache],
  exports: [OidcKeyStore, TokenService, AuthUserCache],
})
export class AuthModule {}
