import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig, Clock, CoreModule, ProblemFilter } from '@app/core';
import { DirectoryModule } from '@app/directory';
import { QuestionsModule } from '@app/questions';
import { CommandesModule } from '@app/commandes';
import { CommandesController } from './commandes/commandes.controller';
import { QuestionsController } from './questions/questions.controller';
import { SlaModule } from '@app/sla';
import { SlaController } from './sla/sla.controller';
import { DashboardsModule } from '@app/dashboards';
import { DashboardsController } from './dashboards/dashboards.controller';
import { AutonomieController } from './autonomie/autonomie.controller';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { DirectoryController } from './directory/directory.controller';
import { HistoriqueController } from './directory/historique.controller';
import { HealthModule } from './health/health.module';
import { OpsModule } from './ops/ops.module';
import { rateLimitStorage } from './ops/rate-limit-storage';
import { MetricsModule } from './metrics/metrics.module';
import { SuiviController } from './suivi/suivi.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { FluxController } from './flux/flux.controller';
import { FluxHub } from './flux/flux.hub';
import { NotificationsModule, WebhooksModule } from '@app/notifications';
import { NotificationsController } from './notifications/notifications.controller';
import { KnowledgeModule } from '@app/knowledge';
import { AutonomieModule, BarometreModule } from '@app/barometre';
import { DocumentsController, PublicDocumentsController } from './documents/documents.controller';
import { RechercheController } from './recherche/recherche.controller';
import { InvitationsController } from './capitalisation/invitations.controller';
import { CapitalisationController } from './capitalisation/capitalisation.controller';
import { BarometreController } from './barometre/barometre.controller';
import { RgpdController } from './rgpd/rgpd.controller';

export interface ApiModuleOptions {
  config: AppConfig;
  clock?: Clock;
}

/** The HTTP edge: controllers only; the logic lives in the libs. */
@Module({})
export class ApiModule {
  static forRoot({ config, clock }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot({ config, clock, redisRole: 'producer' }),
        AuthModule,
        ThrottlerModule.forRoot({
          // Shared by every API process through Redis (in memory in the embedded mode).
          storage: rateLimitStorage(config),
          throttlers: [
            { name: 'login', ttl: 60_000, limit: config.LOGIN_RATE_LIMIT },
            // Only the usager's tracking page (the throttlers of a guarded route all apply otherwise).
            { name: 'suivi', ttl: 60_000, limit: config.SUIVI_RATE_LIMIT, skipIf: (context) => context.getClass() !== SuiviController },
            { name: 'documents', ttl: 60_000, limit: config.DOCUMENT_LIEN_RATE_LIMIT, skipIf: (context) => context.getClass() !== PublicDocumentsController },
          ],
        }),
        DirectoryModule,
        QuestionsModule,
        SlaModule,
        CommandesModule,
        DashboardsModule,
        HealthModule,
        OpsModule,
        MetricsModule,
        WebhooksModule,
        NotificationsModule,
        KnowledgeModule,
        BarometreModule,
        AutonomieModule,
      ],
      controllers: [
        AuthController,
        QuestionsController,
        SlaController,
        CommandesController,
        DirectoryController,
        HistoriqueController,
        DashboardsController,
        SuiviController,
        WebhooksController,
        FluxController,
        NotificationsController,
        DocumentsController,
        PublicDocumentsController,
        RechercheController,
        InvitationsController,
        CapitalisationController,
        AutonomieController,
        BarometreController,
        RgpdController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        FluxHub,
      ],
    };
  }
}
