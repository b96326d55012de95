import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NOTIFICATION_ENTITIES } from './persistence/notification.entities';

/** Notifications: the rules (outbox events → inbox rows), the inbox, and their channels. */
@Module({
  imports: [TypeOrmModule.forFeature(NOTIFICATION_ENTITIES)],
  providers: [],
  exports: [],
})
export class NotificationsModule {}
