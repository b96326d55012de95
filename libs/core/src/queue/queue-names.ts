/** Every BullMQ queue of Relais, kebab-case. Job ids are deterministic and use '-' (never ':'). */
export enum QueueName {
  /** Outbox rows relayed to their consumers. */
  Outbox = 'outbox',
  /** SLA warning and due timers (delayed jobs) — a queue of its own so that no backlog delays them. */
  SlaTimers = 'sla-timers',
  /** Periodic maintenance: reconciler, retention. */
  Maintenance = 'maintenance',
  Notifications = 'notifications',
  /** Webhook deliveries, one job per attempt (ADR 0011): slow receivers never delay the outbox. */
  Webhooks = 'webhooks',
}

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
