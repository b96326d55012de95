import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook endpoints (admins' receivers) and their deliveries, one per (endpoint, event) (ADR 0011). */
export class Webhooks1795651300000 implements MigrationInterface {
    name = 'Webhooks1795651300000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoint" (
                "id" uuid NOT NULL,
                "url" character varying(2000) NOT NULL,
                "description" character varying(500),
                "types" character varying(60) array NOT NULL,
                "secret" character varying(100) NOT NULL,
                "actif" boolean NOT NULL DEFAULT true,
                "version" integer NOT NULL DEFAULT 1,
                "cree_par" uuid NOT NULL,
                "cree_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "modifie_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "pk_webhook_endpoint" PRIMARY KEY ("id")
            )`);
        await queryRunner.query(`
            CREATE TABLE "webhook_livraison" (
                "id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "evenement_id" uuid NOT NULL,
                "type" character varying(60) NOT NULL,
                "payload" text NOT NULL,
                "statut" character varying(16) NOT NULL,
                "tentatives" integer NOT NULL DEFAULT 0,
                "tentatives_max" integer NOT NULL,
                "prochaine_tentative_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "en_cours_jusqua" TIMESTAMP WITH TIME ZONE,
                "jeton" uuid,
                "dernier_statut_http" smallint,
                "derniere_erreur" character varying(300),
                "derniere_tentative_a" TIMESTAMP WITH TIME ZONE,
                "livree_a" TIMESTAMP WITH TIME ZONE,
                "creee_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "uq_webhook_livraison_endpoint_evenement" UNIQUE ("endpoint_id", "evenement_id"),
                CONSTRAINT "chk_webhook_livraison_statut" CHECK (statut IN ('en_attente', 'livree', 'echouee')),
                CONSTRAINT "pk_webhook_livraison" PRIMARY KEY ("id")
            )`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_livraison_endpoint" ON "webhook_livraison" ("endpoint_id", "creee_a", "id")`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_livraison_en_cours" ON "webhook_livraison" ("endpoint_id") WHERE en_cours_jusqua IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_livraison_terminee" ON "webhook_livraison" ("creee_a") WHERE statut <> 'en_attente'`);
        await queryRunner.query(`CREATE INDEX "idx_webhook_livraison_en_attente" ON "webhook_livraison" ("prochaine_tentative_a") WHERE statut = 'en_attente'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "webhook_livraison"`);
        await queryRunner.query(`DROP TABLE "webhook_endpoint"`);
    }
}
