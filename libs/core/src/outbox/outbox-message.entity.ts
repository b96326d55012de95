import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An event waiting to be relayed to BullMQ. Written in the same transaction as the state change
 * that produced it; its id is the event id, which consumers use to stay idempotent.
 */
@Entity({ name: 'outbox' })
@Index('idx_outbox_pending', ['createdAt'], { where: 'published_at IS NULL' })
@Index('idx_outbox_unprocessed', ['publishedAt'], { where: 'published_at IS NOT NULL AND processed_at IS NULL' })
@Index('idx_outbox_processed_at', ['processedAt'], { where: 'processed_at IS NOT NULL' })
export class OutboxMessage {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120 })
  type: string;

  @Column({ type: 'varchar', length: 40 })
  aggregateType: string;

  @Column('uuid')
  aggregateId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Set once every consumer has handled the event; until then the relay may send it again. */
  @Column({ type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}

/** One row per (consumer, event) already handled: the consumer's idempotency key. */
@Entity({ name: 'processed_event' })
@Index('idx_processed_event_processed_at', ['processedAt'])
export class ProcessedEvent {
  @PrimaryColumn({ type: 'varchar', length: 80 })
  consumer: string;

  @PrimaryColumn('uuid')
  eventId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  processedAt: Date;
}
