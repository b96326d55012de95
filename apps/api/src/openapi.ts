import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document at /api/docs-json and its UI at /api/docs, generated from the DTOs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Relais — API')
      .setDescription(
        'Le circuit des questions (Maisons de la Région → siège) et des commandes (Cabinet → Maisons). ' +
          'Erreurs au format application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', customSiteTitle: 'Relais — API' });
}
