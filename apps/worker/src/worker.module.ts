import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, BoundedShutdown, Clock, CoreModule, OUTBOX_CONSUMERS, OutboxConsumer, QueueName } from '@app/core';
import { DashboardsModule } from '@app/dashboards';
import { DirectoryModule } from '@app/directory';
import { CourrielConsumer, CourrielModule, FluxConsumer, FluxModule, NotificationsConsumer, NotificationsModule, WebhookConsumer, WebhooksModule } from '@app/notifications';
import { QuestionsModule } from '@app/questions';
import { SlaConsumer, SlaModule } from '@app/sla';
import { DocumentTexteConsumer, InvitationCapitalisationConsumer, KnowledgeModule } from '@app/knowledge';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { SlaMinuteriePoller } from './sla/sla-minuterie.poller';
import { SlaTimerProcessor } from './sla/sla-timer.processor';
import { FirePressure } from './sla/fire-pressure';
import { OutboxProcessor } from './outbox/outbox.processor';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { CourrielProcessor } from './notifications/courriel.processor';

export interface WorkerModuleOptions {
  config: AppConfig;
  clock?: Clock;
}

/** The worker: BullMQ processors and the outbox relay, over the same libs as the API. */
@Module({})
export class WorkerModule {
  static forRoot({ config, clock }: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot({ config, clock, redisRole: 'worker' }),
        BullModule.registerQueue({ name: QueueName.Outbox, defaultJobOptions: outboxJobOptions }),
        BullModule.registerQueue({ name: QueueName.Maintenance, defaultJobOptions: { removeOnComplete: 100, removeOnFail: 1000 } }),
        DirectoryModule,
        SlaModule,
        DashboardsModule,
        CourrielModule,
        WebhooksModule,
        FluxModule,
        NotificationsModule,
        KnowledgeModule,
        QuestionsModule,
      ],
      providers: [
        BoundedShutdown,
        OutboxRelayService,
        FirePressure,
        OutboxProcessor,
        SlaTimerProcessor,
        // Idle unless FILES_ATTENTE=postgres: then the SLA timers are rows it fires (ADR 0022).
        SlaMinuteriePoller,
        MaintenanceProcessor,
        CourrielProcessor,
        WebhookDeliveryProcessor,
        // Every consumer of outbox events; each is idempotent by (consumer, event id).
        { provide: OUTBOX_CONSUMERS, useFactory: (...consumers: OutboxConsumer[]) => consumers, inject: OUTBOX_CONSUMER_CLASSES },
      ],
    };
  }
}

/** Every consumer of outbox events, one per line; each is idempotent by (consumer, event id). */
const OUTBOX_CONSUMER_CLASSES = [
  // First in the event's transaction: on Redis its entry goes out before the others run (ADR 0012, OutboxProcessor).
  FluxConsumer,
  SlaConsumer,
  CourrielConsumer,
  WebhookConsumer,
  NotificationsConsumer,
  DocumentTexteConsumer,
  InvitationCapitalisationConsumer,
];

/** Retried with backoff; kept a while for the board, then trimmed so Redis does not grow. */
const outboxJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
