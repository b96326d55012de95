import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig, NotFoundError, UnauthenticatedError } from '@app/core';
import { Public } from '../auth/auth.decorators';
import { ApiMetrics } from './api-metrics';
import { metricsAccess } from './metrics-access';
import { OperationalGauges } from './operational-gauges';

/**
 * Prometheus scrape endpoint, at the root (not under /api/v1). @Public() because its own rule
 * applies (metricsAccess: METRICS_TOKEN, closed in production without one), not the directory
 * users' tokens.
 */
@ApiTags('Supervision')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: ApiMetrics,
    private readonly gauges: OperationalGauges,
  ) {}

  @Get()
  // Either no token (METRICS_TOKEN unset, outside production) or the supervision token.
  @ApiSecurity('metricsToken')
  @ApiSecurity({})
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Métriques Prometheus (jeton METRICS_TOKEN si configuré ; fermé en production sans jeton)' })
  @ApiResponse({ status: 200, description: 'Métriques au format texte de Prometheus', schema: { type: 'string' } })
  @ApiResponse({ status: 401, description: 'METRICS_TOKEN est configuré et le jeton manque ou ne correspond pas' })
  @ApiResponse({ status: 404, description: 'En production sans METRICS_TOKEN : /metrics n’est pas servi' })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const access = metricsAccess(this.config, authorization);
    // The same answer as a path that does not exist: nothing tells that metrics are there.
    if (access === 'hidden') throw new NotFoundError('Cette adresse ne correspond à aucune ressource.');
    if (access !== 'allowed') {
      reply.header('www-authenticate', 'Bearer realm="relais-metrics"');
      throw new UnauthenticatedError(
        access === 'token_missing'
          ? 'Authentification requise : envoyez le jeton de supervision dans « Authorization: Bearer … ».'
          : 'Jeton de supervision invalide.',
      );
    }
    await this.gauges.refresh();
    reply.header('content-type', this.metrics.registry.contentType).header('cache-control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
