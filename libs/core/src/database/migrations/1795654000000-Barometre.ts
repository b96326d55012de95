import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The barometer « Quel temps fait-il chez vous ? » (issue 15, ADR 0020): the entries recorded at
 * an MdR's desk and the monthly summaries each MdR publishes to the network.
 */
export class Barometre1795654000000 implements MigrationInterface {
    name = 'Barometre1795654000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "barometre_releve" (
                "id" uuid NOT NULL,
                "maison_id" uuid NOT NULL,
                "meteo" character varying(16) NOT NULL,
                "commentaire" character varying(500) NOT NULL,
                "theme_id" uuid,
                "dispositif_id" uuid,
                "auteur_id" uuid NOT NULL,
                "releve_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "chk_barometre_releve_meteo" CHECK (
                    meteo IN (
                        'soleil',
                        'soleil_voile',
                        'nuageux',
                        'pluie',
                        'orage'
                    )
                ),
                CONSTRAINT "PK_6783fb59ebf87e8d9b1ffaecbfe" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_barometre_releve_le" ON "barometre_releve" ("releve_le")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_barometre_releve_maison" ON "barometre_releve" ("maison_id", "releve_le")
        `);
        await queryRunner.query(`
            CREATE TABLE "barometre_synthese" (
                "id" uuid NOT NULL,
                "maison_id" uuid NOT NULL,
                "mois" character(7) NOT NULL,
                "texte" text NOT NULL,
                "auteur_id" uuid NOT NULL,
                "publiee_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "modifiee_le" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                CONSTRAINT "uq_barometre_synthese_maison_mois" UNIQUE ("maison_id", "mois"),
                CONSTRAINT "PK_528ad769ec957432d2e0d4520b2" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_barometre_synthese_mois" ON "barometre_synthese" ("mois")
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve"
            ADD CONSTRAINT "FK_0164f0bcded95033bbade26d672" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve"
            ADD CONSTRAINT "FK_66295ef27fece8acf1f7b9d6d70" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve"
            ADD CONSTRAINT "FK_81a6c2ac7eb05970dd6fccfb077" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve"
            ADD CONSTRAINT "FK_00f2981120e4c87248d0a3856b4" FOREIGN KEY ("auteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_synthese"
            ADD CONSTRAINT "FK_44eedcedece8dfde3c0240c74fe" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_synthese"
            ADD CONSTRAINT "FK_d49e8a21430ba739464191e9f52" FOREIGN KEY ("auteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "barometre_synthese" DROP CONSTRAINT "FK_d49e8a21430ba739464191e9f52"
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_synthese" DROP CONSTRAINT "FK_44eedcedece8dfde3c0240c74fe"
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve" DROP CONSTRAINT "FK_00f2981120e4c87248d0a3856b4"
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve" DROP CONSTRAINT "FK_81a6c2ac7eb05970dd6fccfb077"
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve" DROP CONSTRAINT "FK_66295ef27fece8acf1f7b9d6d70"
        `);
        await queryRunner.query(`
            ALTER TABLE "barometre_releve" DROP CONSTRAINT "FK_0164f0bcded95033bbade26d672"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_barometre_synthese_mois"
        `);
        await queryRunner.query(`
            DROP TABLE "barometre_synthese"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_barometre_releve_maison"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_barometre_releve_le"
        `);
        await queryRunner.query(`
            DROP TABLE "barometre_releve"
        `);
    }

}
