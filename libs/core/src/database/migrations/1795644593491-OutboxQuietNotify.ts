import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lets a transaction skip the outbox NOTIFY (SET LOCAL relais.outbox_silencieux = 'on').
 * PostgreSQL commits notifying transactions one at a time, each with its own WAL flush, which
 * caps bulk writers such as SLA timer fires; their rows are picked up by the relay's polling.
 */
export class OutboxQuietNotify1795644593491 implements MigrationInterface {
    name = 'OutboxQuietNotify1795644593491';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF coalesce(current_setting('relais.outbox_silencieux', true), '') <> 'on' THEN
                PERFORM pg_notify('relais_outbox', '');
              END IF;
              RETURN NULL;
            END $$
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('relais_outbox', ''); RETURN NULL; END $$
        `);
    }
}
