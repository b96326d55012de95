export * from './canonical-json';
export * from './idempotency';
export * from './idempotency-key.entity';
