import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox rows record when every consumer has handled them, so that a job lost with Redis is sent again. */
export class OutboxProcessedAt1795645579101 implements MigrationInterface {
    name = 'OutboxProcessedAt1795645579101';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "outbox" ADD "processed_at" TIMESTAMP WITH TIME ZONE`);
        // Rows already relayed before this column existed count as processed.
        await queryRunner.query(`UPDATE "outbox" SET "processed_at" = "published_at" WHERE "published_at" IS NOT NULL`);
        await queryRunner.query(`
            CREATE INDEX "idx_outbox_unprocessed" ON "outbox" ("published_at")
            WHERE published_at IS NOT NULL AND processed_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_outbox_unprocessed"`);
        await queryRunner.query(`ALTER TABLE "outbox" DROP COLUMN "processed_at"`);
    }
}
