import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthContext, Role } from '@app/core';

export const IS_PUBLIC = 'relais:public';
export const ROLES_KEY = 'relais:roles';

/** A route anyone may call without a token (health, docs, public pages, login). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route; any other authenticated caller gets 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated caller. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthContext => {
  return ctx.switchToHttp().getRequest<{ auth: AuthContext }>().auth;
});
