import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The autonomy survey (issue 15, ADR 0021): waves opened by the network, one answer per respondent
 * and wave, one row of ratings per activity area.
 */
export class Autonomie1795654100000 implements MigrationInterface {
    name = 'Autonomie1795654100000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "enquete_autonomie" (
                "id" uuid NOT NULL,
                "libelle" character varying(120) NOT NULL,
                "ouverte" boolean NOT NULL DEFAULT true,
                "ouverte_par_id" uuid NOT NULL,
                "ouverte_le" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "fermee_le" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_34f7cf7dd3b683ada021d9b0bf6" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_enquete_autonomie_ouverte" ON "enquete_autonomie" ("ouverte")
            WHERE ouverte
        `);
        await queryRunner.query(`
            CREATE TABLE "reponse_autonomie" (
                "id" uuid NOT NULL,
                "enquete_id" uuid NOT NULL,
                "repondant_id" uuid NOT NULL,
                "groupe" character varying(8) NOT NULL,
                "maison_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "version" integer NOT NULL,
                CONSTRAINT "uq_reponse_autonomie_repondant" UNIQUE ("enquete_id", "repondant_id"),
                CONSTRAINT "chk_reponse_autonomie_groupe" CHECK (groupe IN ('mdr', 'siege')),
                CONSTRAINT "PK_75b9aee8f3cf4acf8fcca91fe5c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_autonomie_repondant" ON "reponse_autonomie" ("repondant_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "note_autonomie" (
                "reponse_id" uuid NOT NULL,
                "domaine" character varying(24) NOT NULL,
                "actuelle" smallint NOT NULL,
                "souhaitee" smallint NOT NULL,
                CONSTRAINT "chk_note_autonomie_domaine" CHECK (
                    domaine IN (
                        'communication',
                        'evenements',
                        'partenariats',
                        'budget',
                        'reponse_usagers'
                    )
                ),
                CONSTRAINT "chk_note_autonomie_souhaitee" CHECK (
                    souhaitee BETWEEN 1 AND 5
                ),
                CONSTRAINT "chk_note_autonomie_actuelle" CHECK (
                    actuelle BETWEEN 1 AND 5
                ),
                CONSTRAINT "PK_eba6a4abccde211b35585c0d89f" PRIMARY KEY ("reponse_id", "domaine")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "enquete_autonomie"
            ADD CONSTRAINT "FK_6e6e792be9e5d14a1351efdc878" FOREIGN KEY ("ouverte_par_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie"
            ADD CONSTRAINT "FK_fc43a4d89d61bed98b132594d57" FOREIGN KEY ("enquete_id") REFERENCES "enquete_autonomie"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie"
            ADD CONSTRAINT "FK_c254207858fecdf2ca36caff867" FOREIGN KEY ("repondant_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie"
            ADD CONSTRAINT "FK_2e2332a100d3a66727f59e62c98" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "note_autonomie"
            ADD CONSTRAINT "FK_25b500726637a619c2bb563fdcb" FOREIGN KEY ("reponse_id") REFERENCES "reponse_autonomie"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "note_autonomie" DROP CONSTRAINT "FK_25b500726637a619c2bb563fdcb"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie" DROP CONSTRAINT "FK_2e2332a100d3a66727f59e62c98"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie" DROP CONSTRAINT "FK_c254207858fecdf2ca36caff867"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_autonomie" DROP CONSTRAINT "FK_fc43a4d89d61bed98b132594d57"
        `);
        await queryRunner.query(`
            ALTER TABLE "enquete_autonomie" DROP CONSTRAINT "FK_6e6e792be9e5d14a1351efdc878"
        `);
        await queryRunner.query(`
            DROP TABLE "note_autonomie"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_reponse_autonomie_repondant"
        `);
        await queryRunner.query(`
            DROP TABLE "reponse_autonomie"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_enquete_autonomie_ouverte"
        `);
        await queryRunner.query(`
            DROP TABLE "enquete_autonomie"
        `);
    }

}
