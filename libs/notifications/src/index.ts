export * from './notification.types';
export * from './persistence/notification.entities';
export * from './notifications.module';
export * from './rules/notification-rules';
export * from './rules/recipients.sql';
export * from './rules/notifications.consumer';
export * from './inbox/boite';
export * from './inbox/preferences';
