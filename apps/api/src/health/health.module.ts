import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { KnowledgeModule } from '@app/knowledge';
import { HealthController } from './health.controller';
import { DependencyHealth } from './health.indicators';
import { OidcHealth } from './oidc.health';

/** GET /health, /health/ready (readiness) and /health/live (liveness). */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), KnowledgeModule],
  controllers: [HealthController],
  providers: [DependencyHealth, OidcHealth],
})
export class HealthModule {}
