import { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Key of creating POSTs (libs/core/src/idempotency). */
export class IdempotencyKey1795641190806 implements MigrationInterface {
    name = 'IdempotencyKey1795641190806'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_key" (
                "user_id" uuid NOT NULL,
                "key" character varying(200) NOT NULL,
                "scope" character varying(300) NOT NULL,
                "request_hash" character(64) NOT NULL,
                "status" integer,
                "response" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_idempotency_key" PRIMARY KEY ("user_id", "key")
            )
        `);
        // Serves the retention purge (created_at < now() - 24 h).
        await queryRunner.query(`
            CREATE INDEX "idx_idempotency_key_created_at" ON "idempotency_key" ("created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."idx_idempotency_key_created_at"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_key"
        `);
    }
}
