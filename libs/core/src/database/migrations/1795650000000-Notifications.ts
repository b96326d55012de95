import { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox (one row per notification and recipient, once per source event) and users' notification preferences. */
export class Notifications1795650000000 implements MigrationInterface {
    name = 'Notifications1795650000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "notification" (
                "id" uuid NOT NULL,
                "destinataire_id" uuid NOT NULL,
                "type" character varying(40) NOT NULL,
                "evenement_id" uuid NOT NULL,
                "ticket_type" character varying(16) NOT NULL,
                "ticket_id" uuid NOT NULL,
                "reference" character varying(40) NOT NULL,
                "titre" text NOT NULL,
                "lien" text NOT NULL,
                "creee_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "lue_a" TIMESTAMP WITH TIME ZONE,
                "courriel_envoye_a" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "uq_notification_evenement_destinataire" UNIQUE ("evenement_id", "destinataire_id"),
                CONSTRAINT "pk_notification" PRIMARY KEY ("id")
            )`);
        // The inbox: unread first, then read, newest first in each (two partial indexes, keyset on creee_a, id).
        await queryRunner.query(`CREATE INDEX "idx_notification_non_lue" ON "notification" ("destinataire_id", "creee_a", "id") WHERE lue_a IS NULL`);
        await queryRunner.query(`CREATE INDEX "idx_notification_lue" ON "notification" ("destinataire_id", "creee_a", "id") WHERE lue_a IS NOT NULL`);
        await queryRunner.query(`
            CREATE TABLE "notification_preference" (
                "user_id" uuid NOT NULL,
                "types_muets" character varying(40) array NOT NULL DEFAULT '{}',
                "courriel" character varying(16) NOT NULL DEFAULT 'immediat',
                "heure_resume" smallint NOT NULL DEFAULT 8,
                "version" integer NOT NULL DEFAULT 1,
                CONSTRAINT "pk_notification_preference" PRIMARY KEY ("user_id")
            )`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "notification_preference"`);
        await queryRunner.query(`DROP TABLE "notification"`);
    }
}
