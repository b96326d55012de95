import { MigrationInterface, QueryRunner } from "typeorm";

/** Commandes (top-down) with their brief, and one assignment row per targeted MdR. */

export class Commandes1795643416726 implements MigrationInterface {
    name = 'Commandes1795643416726'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Hand-written: commande references C-<year>-<n>; a sequence is gap-tolerant and never blocks.
        await queryRunner.query(`CREATE SEQUENCE commande_reference_seq AS bigint START 1`);
        await queryRunner.query(`
            CREATE TABLE "commande" (
                "id" uuid NOT NULL,
                "reference" character varying(24) NOT NULL,
                "statut" character varying(16) NOT NULL,
                "titre" character varying(200),
                "objectif" text,
                "contexte" text,
                "echeance" TIMESTAMP WITH TIME ZONE,
                "livrables" jsonb NOT NULL,
                "materiel" jsonb,
                "contacts" jsonb NOT NULL,
                "maison_ids" uuid array NOT NULL,
                "theme_id" uuid,
                "budget" numeric(12, 2),
                "urgent" boolean NOT NULL,
                "justification_urgence" text,
                "emetteur_id" uuid NOT NULL,
                "emetteur_unite_type" character varying(16) NOT NULL,
                "emetteur_unite_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "emise_at" TIMESTAMP WITH TIME ZONE,
                "close_at" TIMESTAMP WITH TIME ZONE,
                "annulee_at" TIMESTAMP WITH TIME ZONE,
                "motif_annulation" text,
                "version" integer NOT NULL,
                CONSTRAINT "UQ_0ccbe2ef90d60c30a994e05d7ef" UNIQUE ("reference"),
                CONSTRAINT "chk_commande_budget" CHECK (
                    budget IS NULL
                    OR budget >= 0
                ),
                CONSTRAINT "chk_commande_contacts" CHECK (jsonb_typeof(contacts) = 'array'),
                CONSTRAINT "chk_commande_livrables" CHECK (jsonb_typeof(livrables) = 'array'),
                CONSTRAINT "chk_commande_materiel" CHECK (
                    materiel IS NULL
                    OR jsonb_typeof(materiel) = 'array'
                    OR materiel = '"aucun"'::jsonb
                ),
                CONSTRAINT "chk_commande_emetteur_unite" CHECK (
                    (
                        emetteur_unite_type = 'cabinet'
                        AND emetteur_unite_id IS NULL
                    )
                    OR (
                        emetteur_unite_type = 'direction'
                        AND emetteur_unite_id IS NOT NULL
                    )
                ),
                CONSTRAINT "chk_commande_statut" CHECK (
                    statut IN ('brouillon', 'emise', 'close', 'annulee')
                ),
                CONSTRAINT "PK_6eb4573cd6722e4b0aa8d414775" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_commande_created" ON "commande" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_commande_statut_created" ON "commande" ("statut", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_commande_emetteur_created" ON "commande" (
                "emetteur_unite_type",
                "emetteur_unite_id",
                "created_at",
                "id"
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "affectation" (
                "id" uuid NOT NULL,
                "commande_id" uuid NOT NULL,
                "maison_id" uuid NOT NULL,
                "statut" character varying(32) NOT NULL,
                "statut_avant_clarification" character varying(32),
                "pourcentage" smallint NOT NULL,
                "livrables_faits" uuid array NOT NULL,
                "livraison_note" text,
                "livraison_liens" text array NOT NULL,
                "motif_renvoi" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accusee_at" TIMESTAMP WITH TIME ZONE,
                "livree_at" TIMESTAMP WITH TIME ZONE,
                "validee_at" TIMESTAMP WITH TIME ZONE,
                "annulee_at" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL,
                CONSTRAINT "uq_affectation_commande_maison" UNIQUE ("commande_id", "maison_id"),
                CONSTRAINT "chk_affectation_pourcentage" CHECK (
                    pourcentage BETWEEN 0 AND 100
                ),
                CONSTRAINT "chk_affectation_clarification" CHECK (
                    (statut = 'clarification_demandee') = (statut_avant_clarification IS NOT NULL)
                ),
                CONSTRAINT "chk_affectation_statut" CHECK (
                    statut IN (
                        'envoyee',
                        'accusee',
                        'en_cours',
                        'clarification_demandee',
                        'livree',
                        'renvoyee',
                        'validee',
                        'annulee'
                    )
                ),
                CONSTRAINT "PK_dd9c6af8306b9c2d9da3eebf555" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_affectation_maison_created" ON "affectation" ("maison_id", "created_at", "commande_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "commande"
            ADD CONSTRAINT "FK_d2f1da7c715d35e9f7047092c66" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "commande"
            ADD CONSTRAINT "FK_339e890fed852a8d439fe35a0db" FOREIGN KEY ("emetteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "commande"
            ADD CONSTRAINT "FK_16826f8660180ee86f8ebb1d5f2" FOREIGN KEY ("emetteur_unite_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "affectation"
            ADD CONSTRAINT "FK_ed79ab47b3cc31135a8f6b31051" FOREIGN KEY ("commande_id") REFERENCES "commande"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "affectation"
            ADD CONSTRAINT "FK_253edaaaf03199c76ce5043db19" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "affectation" DROP CONSTRAINT "FK_253edaaaf03199c76ce5043db19"
        `);
        await queryRunner.query(`
            ALTER TABLE "affectation" DROP CONSTRAINT "FK_ed79ab47b3cc31135a8f6b31051"
        `);
        await queryRunner.query(`
            ALTER TABLE "commande" DROP CONSTRAINT "FK_16826f8660180ee86f8ebb1d5f2"
        `);
        await queryRunner.query(`
            ALTER TABLE "commande" DROP CONSTRAINT "FK_339e890fed852a8d439fe35a0db"
        `);
        await queryRunner.query(`
            ALTER TABLE "commande" DROP CONSTRAINT "FK_d2f1da7c715d35e9f7047092c66"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_affectation_maison_created"
        `);
        await queryRunner.query(`
            DROP TABLE "affectation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_commande_emetteur_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_commande_statut_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_commande_created"
        `);
        await queryRunner.query(`
            DROP TABLE "commande"
        `);
        await queryRunner.query(`DROP SEQUENCE commande_reference_seq`);
    }

}
