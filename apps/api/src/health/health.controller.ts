import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { AppConfig, queuesOnPostgres } from '@app/core';
import { Public } from '../auth/auth.decorators';
import { HealthCheckFilter } from './health-check.filter';
import { DependencyHealth } from './health.indicators';
import { OidcHealth } from './oidc.health';

/**
 * Probes, served at the root (not under /api/v1) and without a token. Liveness depends on
 * nothing, so that a database outage never makes an orchestrator restart healthy processes;
 * readiness checks PostgreSQL and Redis (and the S3 bucket of the documents when they live in
 * one), so that a load balancer stops sending traffic.
 */
@ApiTags('Supervision')
@Public()
@UseFilters(HealthCheckFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealth,
    private readonly oidc: OidcHealth,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Vivacité : le processus répond (aucune dépendance vérifiée)' })
  live(): HealthCheckResult {
    // Deliberately not `health.check([])`: terminus answers 503 "shutting_down" as soon as a
    // shutdown starts, and a liveness failure during the drain would get the process killed
    // before its in-flight requests finish. Readiness is what tells the balancer to go away.
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Disponibilité : PostgreSQL et Redis (ou, avec FILES_ATTENTE=postgres, le schéma des files dans PostgreSQL) répondent, et le compartiment S3 des documents s’il est configuré (et l’état des clés du fournisseur OIDC)' })
  ready(): Promise<HealthCheckResult> {
    return this.readiness();
  }

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Disponibilité (alias de /health/ready)' })
  root(): Promise<HealthCheckResult> {
    return this.readiness();
  }

  private readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      this.dependencies.postgresql(),
      // Where the queues really are: Redis, or BullMQ's schema in PostgreSQL (FILES_ATTENTE=postgres).
      queuesOnPostgres(this.config) ? this.dependencies.queuesOnPostgres() : this.dependencies.redisPing(),
      // The provider never fails readiness (see OidcHealth); it is reported only when configured.
      ...(this.config.oidcEnabled ? [() => this.oidc.check()] : []),
      // A local folder is the process's own disk; a bucket is a dependency like PostgreSQL (ADR 0019).
      ...(this.config.DOCUMENT_STOCKAGE === 's3' ? [() => this.dependencies.documentStorage()] : []),
    ]);
  }
}
