import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@app/core';
import { CalendarRegistry } from './engine/calendars';
import { SlaConsumer } from './engine/sla.consumer';
import { SlaEngine } from './engine/sla.engine';
import { SlaFirer } from './engine/sla.fire';
import { SlaReconciler } from './engine/sla.reconciler';
import { SlaRebuilder } from './engine/sla.rebuild';
import { SlaTimers } from './engine/sla.timers';
import { SlaInRequest } from './engine/sla.in-request';
import { SLA_ENTITIES } from './persistence/sla.entities';
import { SlaReader } from './queries/sla.reader';
import { SLA_ADMIN_HANDLERS } from './admin/sla-admin';

/** Timer jobs are removed once done: the rows are the record, and Redis must not grow. */
export const SLA_TIMER_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 200 },
  removeOnComplete: true,
  removeOnFail: true,
};

@Module({
  imports: [
    TypeOrmModule.forFeature(SLA_ENTITIES),
    BullModule.registerQueue({ name: QueueName.SlaTimers, defaultJobOptions: SLA_TIMER_JOB_OPTIONS }),
  ],
  providers: [CalendarRegistry, SlaEngine, SlaTimers, SlaFirer, SlaReconciler, SlaConsumer, SlaReader, SlaRebuilder, SlaInRequest, ...SLA_ADMIN_HANDLERS],
  exports: [CalendarRegistry, SlaEngine, SlaTimers, SlaFirer, SlaReconciler, SlaConsumer, SlaReader, SlaRebuilder, SlaInRequest],
})
export class SlaModule {}
