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

/** Longest wait between two attempts of a failed fire. */
export const SLA_TIMER_RETRY_CAP_MS = 5000;

/**
 * Wait before retrying a fire that failed (PostgreSQL away, most often): 200 ms doubling, capped
 * at SLA_TIMER_RETRY_CAP_MS. A short outage costs a fraction of a second; a long one, a retry
 * every 5 s. The worker uses it through its processor's `backoffStrategy` (the job names it).
 */
export function slaTimerBackoff(attemptsMade: number): number {
  return Math.min(200 * 2 ** Math.max(0, attemptsMade - 1), SLA_TIMER_RETRY_CAP_MS);
}

/**
 * Timer jobs are removed once done: the rows are the record, and Redis must not grow. 20
 * attempts on slaTimerBackoff span about 76 s, so a fire outlasts a PostgreSQL outage of a
 * minute (5 attempts, 200 ms apart and doubling, gave up after 3 s); beyond that the timer is
 * dropped and the reconciler re-arms it from the rows within a period.
 */
export const SLA_TIMER_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'sla-timer' },
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
