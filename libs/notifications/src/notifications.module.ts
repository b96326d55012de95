import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BoiteNotifications } from './inbox/boite';
import { PreferencesNotifications } from './inbox/preferences';
import { NOTIFICATION_ENTITIES } from './persistence/notification.entities';
import { NotificationsConsumer } from './rules/notifications.consumer';

/** Notifications: the rules (outbox events → inbox rows), the inbox, and their channels. */
@Module({
  imports: [TypeOrmModule.forFeature(NOTIFICATION_ENTITIES)],
  providers: [NotificationsConsumer, BoiteNotifications, PreferencesNotifications],
  exports: [NotificationsConsumer, BoiteNotifications, PreferencesNotifications],
})
export class NotificationsModule {}
