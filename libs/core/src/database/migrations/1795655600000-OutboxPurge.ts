import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox purge (maintenance job `purge-outbox`): events every consumer handled, and the
 * consumers' idempotency rows, are deleted OUTBOX_RETENTION_JOURS after being handled. Both
 * deletions walk an index on the handling time, oldest first.
 */
export class OutboxPurge1795655600000 implements MigrationInterface {
    name = 'OutboxPurge1795655600000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_outbox_processed_at" ON "outbox" ("processed_at") WHERE processed_at IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_processed_event_processed_at" ON "processed_event" ("processed_at")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "idx_processed_event_processed_at"`);
        await queryRunner.query(`DROP INDEX "idx_outbox_processed_at"`);
    }
}
