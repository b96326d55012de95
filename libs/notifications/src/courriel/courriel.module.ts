import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { QueueName } from '@app/core';
import { SlaModule } from '@app/sla';
import { CourrielConsumer } from './courriel.consumer';
import { CourrielJobs, NOTIFICATIONS_JOB_OPTIONS } from './courriel.jobs';
import { CourrielService } from './courriel.service';
import { CourrielTransport } from './courriel.transport';

/** The e-mail channel, for the worker: the outbox consumer, the sending and the digests. */
@Module({
  imports: [SlaModule, BullModule.registerQueue({ name: QueueName.Notifications, defaultJobOptions: NOTIFICATIONS_JOB_OPTIONS })],
  providers: [CourrielTransport, CourrielJobs, CourrielConsumer, CourrielService],
  exports: [CourrielTransport, CourrielJobs, CourrielConsumer, CourrielService],
})
export class CourrielModule {}
