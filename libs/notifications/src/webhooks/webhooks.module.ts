import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@app/core';
import { WEBHOOK_ADMIN_HANDLERS } from './webhook.admin';
import { WebhookConsumer } from './webhook.consumer';
import { WEBHOOK_ENTITIES } from './webhook.entities';
import { WEBHOOK_JOB_OPTIONS, WebhookQueue } from './webhook.queue';
import { WebhookSender } from './webhook.sender';

/** Signed webhooks to the Région's other systems (ADR 0011): the admin's use cases, the outbox consumer and the sender. */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES), BullModule.registerQueue({ name: QueueName.Webhooks, defaultJobOptions: WEBHOOK_JOB_OPTIONS })],
  providers: [WebhookQueue, WebhookConsumer, WebhookSender, ...WEBHOOK_ADMIN_HANDLERS],
  exports: [WebhookQueue, WebhookConsumer, WebhookSender],
})
export class WebhooksModule {}
