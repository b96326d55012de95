export * from './notification.types';
export * from './persistence/notification.entities';
export * from './notifications.module';
export * from './courriel';
export * from './webhooks';
export * from './flux/flux.types';
export * from './flux/flux.consumer';
export * from './flux/flux.module';
