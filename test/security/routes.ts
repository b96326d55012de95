import 'reflect-metadata';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_PREFIX, ROOT_PATHS } from '../../apps/api/src/app.factory';
import { IS_PUBLIC, ROLES_KEY } from '../../apps/api/src/auth/auth.decorators';

// RouteParamtypes of @nestjs/common (not exported from its index).
const BODY = 3;
const QUERY = 4;

export interface Route {
  method: string;
  /** The full path, with `:name` parameters (`/api/v1/questions/:id`, `/suivi/:token`). */
  path: string;
  bodyDto?: Function;
  queryDto?: Function;
  params: string[];
  /** @Public() on the method or its controller. */
  isPublic: boolean;
  /** The roles of @Roles(), when the route narrows them (the guard answers 403 to the others). */
  roles?: string[];
}

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * The application's routes, from the controllers' metadata: a new controller method joins every
 * suite that walks this list by itself (hostile input, the access matrix).
 */
export function discoverRoutes(app: NestFastifyApplication): Route[] {
  const routes: Route[] = [];
  const roots = ROOT_PATHS.map((p) => p.split('/')[0]);
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | undefined;
      if (!controller?.prototype) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0] as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const args: Record<string, { index: number; data?: string }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {};
        const types: Function[] = Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? [];
        const dtoOf = (type: number) => {
          const arg = Object.entries(args).find(([key, value]) => key.split(':')[0] === String(type) && !value.data);
          return arg ? types[arg[1].index] : undefined;
        };
        const isPublic = Boolean(Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, controller));
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as string[] | undefined;
        for (const sub of [paths].flat() as string[]) {
          const joined = [base, sub].filter(Boolean).join('/').replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
          const prefixed = roots.includes(joined.split('/')[0]) ? `/${joined}` : `/${API_PREFIX}/${joined}`;
          routes.push({
            method,
            path: prefixed,
            bodyDto: dtoOf(BODY),
            queryDto: dtoOf(QUERY),
            params: [...prefixed.matchAll(/:(\w+)/g)].map((m) => m[1]),
            isPublic,
            roles,
          });
        }
      }
    }
  }
  return routes;
}
