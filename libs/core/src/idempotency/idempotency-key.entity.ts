import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One `Idempotency-Key` a user sent on a creating POST, with the response it got. Inserted in
 * the creating transaction, so it commits or rolls back with what it created; keys are per
 * user, so two users can never collide or read each other's responses.
 */
@Entity({ name: 'idempotency_key' })
@Index('idx_idempotency_key_created_at', ['createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_idempotency_key' })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_idempotency_key' })
  key: string;

  /** `METHOD /path` of the first request: the same key on another endpoint is a conflict. */
  @Column({ type: 'varchar', length: 300 })
  scope: string;

  /** SHA-256 (hex) of the canonical JSON of the first request's body. */
  @Column({ type: 'char', length: 64 })
  requestHash: string;

  /** Null only while the first request's transaction is still running. */
  @Column({ type: 'int', nullable: true })
  status: number | null;

  @Column({ type: 'jsonb', nullable: true })
  response: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
