import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { AuthContext, bearerChallenge, ForbiddenError, Role, TokenService, UnauthenticatedError } from '@app/core';
import { FindAuthUserQuery } from '@app/directory';
import { AuthUserCache } from './auth-user.cache';
import { IS_PUBLIC, ROLES_KEY } from './auth.decorators';

/**
 * Deny by default: every route needs a valid bearer token naming an active directory user,
 * unless marked @Public(); @Roles() narrows it further. The user is read through AuthUserCache
 * (a deactivation takes effect within AUTH_USER_CACHE_MS). Scope (which MdR, which direction) is
 * checked by the handlers, which answer 404 outside it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly queryBus: QueryBus,
    private readonly users: AuthUserCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<{ headers: Record<string, string | undefined>; auth?: AuthContext }>();
    let auth: AuthContext;
    try {
      auth = await this.authenticate(request.headers.authorization ?? '');
    } catch (err) {
      // RFC 6750 §3: every 401 says how to authenticate, and why the token was refused.
      if (err instanceof UnauthenticatedError) http.getResponse<FastifyReply>().header('www-authenticate', bearerChallenge(err));
      throw err;
    }
    request.auth = auth;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(auth.role)) throw new ForbiddenError();
    return true;
  }

  private async authenticate(header: string): Promise<AuthContext> {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authentification requise : envoyez un jeton « Authorization: Bearer … ».');
    const subject = await this.tokens.verify(match[1]);
    const auth = await this.users.get(subject, () => this.queryBus.execute(new FindAuthUserQuery(subject)));
    if (!auth) throw this.tokens.refuse('unknown_account');
    return auth;
  }
}
