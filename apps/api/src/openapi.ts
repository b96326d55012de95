import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/core';
import { IS_PUBLIC } from './auth/auth.decorators';
import { PROBLEM_DESCRIPTIONS, problemResponse, ProblemDetailsDto } from './common/problem.responses';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** OpenAPI document at /api/docs-json and its UI at /api/docs, generated from the DTOs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'Relais — API' });
}

/**
 * The document, completed where decorators cannot say it or would repeat it on every route:
 * `security: []` on the routes the AuthGuard lets through (read from the same @Public()
 * metadata, so the document cannot drift from the guard), and the problem answers every route
 * of a kind can give, derived from its shape (a token → 401, parameters or a body → 400, a path
 * id → 404, a JSON body → 413/415, the API → 503).
 */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = app.get(AppConfig);
  const builder = new DocumentBuilder()
    .setTitle('Relais — API')
    .setDescription(
      'Le circuit des questions (Maisons de la Région → siège) et des commandes (Cabinet → Maisons). ' +
        'Erreurs au format application/problem+json (RFC 9457), avec errors: [{field, message}] pour les champs refusés. ' +
        'Les listes répondent {items, nextCursor} (paramètres limit et cursor).',
    )
    .setVersion('1')
    // The package is UNLICENSED: an internal application of the Région, not a published API.
    .setLicense('Propriétaire — usage interne de la Région Occitanie', '')
    .addServer(config.PUBLIC_URL?.replace(/\/+$/, '') || '/', config.PUBLIC_URL ? 'Adresse publique (PUBLIC_URL)' : 'Ce serveur')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Jeton du fournisseur OpenID Connect (ou de /auth/dev-login en démonstration).' })
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, le jeton de supervision (GET /metrics).' }, 'metricsToken')
    .build();
  const document = SwaggerModule.createDocument(app, builder, { extraModels: [ProblemDetailsDto] });
  if (document.info.license && !document.info.license.url) delete document.info.license.url;
  // A decorator cannot say it: a problem may carry extensions beyond those listed (RFC 9457 §3.2).
  const problemSchema = document.components?.schemas?.[ProblemDetailsDto.name];
  if (problemSchema && !('$ref' in problemSchema)) problemSchema.additionalProperties = true;
  const publicOperations = publicOperationIds(app);

  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const isPublic = publicOperations.has(operation.operationId ?? '');
      const bearerOnly = !operation.security || operation.security.every((requirement) => Object.keys(requirement).join() === 'bearer');
      if (isPublic && bearerOnly) operation.security = [];
      else if (!isPublic) operation.security = [{ bearer: [] }];

      const responses = operation.responses;
      const parameters = (operation.parameters ?? []) as Array<{ in?: string }>;
      const add = (status: number) => (responses[status] ??= problemResponse(status));
      if (!isPublic) add(401);
      if (parameters.some((p) => p.in === 'path' || p.in === 'query') || operation.requestBody) add(400);
      if (parameters.some((p) => p.in === 'path')) add(404);
      if (operation.requestBody) {
        add(413);
        add(415);
      }
      if (path.startsWith('/api/v1/')) add(503);

      // Problem statuses declared without a body (e.g. @ApiNotFoundResponse) get the problem schema.
      for (const [status, response] of Object.entries(responses)) {
        const code = Number(status);
        if (code >= 400 && response && !('$ref' in response) && !response.content) {
          responses[status] = problemResponse(code, response.description || PROBLEM_DESCRIPTIONS[code]);
        }
      }
    }
  }
  return document;
}

/** operationIds (swagger's default `Controller_method`) of the routes marked @Public(). */
function publicOperationIds(app: NestFastifyApplication): Set<string> {
  const ids = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const metatype = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!metatype?.prototype || !Reflect.hasMetadata(PATH_METADATA, metatype)) continue;
      const classPublic = Reflect.getMetadata(IS_PUBLIC, metatype) === true;
      for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(metatype.prototype, name)?.value;
        if (typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) continue;
        if (classPublic || Reflect.getMetadata(IS_PUBLIC, handler) === true) ids.add(`${metatype.name}_${name}`);
      }
    }
  }
  return ids;
}
