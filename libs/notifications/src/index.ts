export * from './notification.types';
export * from './persistence/notification.entities';
export * from './notifications.module';
export * from './courriel';
export * from './webhooks';
