import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Capitalisation (issue 14): published answers (FAQ entries) and the record of an answer reused at
 * the desk; the French full-text configuration `fr_relais` (french stemmer behind unaccent) and
 * the published answers' search index, on the expression REPONSE_PUBLIEE_TSVECTOR of libs/knowledge.
 */
export class Capitalisation1795653000000 implements MigrationInterface {
    name = 'Capitalisation1795653000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TEXT SEARCH CONFIGURATION fr_relais (COPY = french)`);
        await queryRunner.query(`
            ALTER TEXT SEARCH CONFIGURATION fr_relais
            ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem
        `);
        await queryRunner.query(`
            CREATE TABLE "reponse_publiee" (
                "id" uuid NOT NULL,
                "dispositif_id" uuid,
                "theme_id" uuid,
                "question_source_id" uuid,
                "question" character varying(300) NOT NULL,
                "reponse" text NOT NULL,
                "diffusion" character varying(16) NOT NULL,
                "auteur_id" uuid NOT NULL,
                "publiee_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "modifiee_le" TIMESTAMP WITH TIME ZONE,
                "retiree_le" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                CONSTRAINT "chk_reponse_publiee_diffusion" CHECK (diffusion IN ('interne', 'externe')),
                CONSTRAINT "PK_09ef584419185184692642f7fb0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_publiee_question_source" ON "reponse_publiee" ("question_source_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_publiee_dispositif" ON "reponse_publiee" ("dispositif_id", "publiee_le", "id")
            WHERE retiree_le IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "reponse_reutilisee" (
                "question_id" uuid NOT NULL,
                "reponse_publiee_id" uuid,
                "question_source_id" uuid,
                "dispositif_id" uuid,
                "maison_id" uuid NOT NULL,
                "auteur_id" uuid NOT NULL,
                "reutilisee_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "chk_reponse_reutilisee_source" CHECK (
                    (reponse_publiee_id IS NULL) <> (question_source_id IS NULL)
                ),
                CONSTRAINT "PK_a97719cce9cd4ece3ee475d352c" PRIMARY KEY ("question_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_reutilisee_reponse" ON "reponse_reutilisee" ("reponse_publiee_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_reutilisee_dispositif" ON "reponse_reutilisee" ("dispositif_id", "reutilisee_le")
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee"
            ADD CONSTRAINT "FK_a15c0e19fe717a1c1e7f3c87384" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee"
            ADD CONSTRAINT "FK_25798875a6940a32631633d8d21" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee"
            ADD CONSTRAINT "FK_87623c7321bc23c7c2587b4682c" FOREIGN KEY ("question_source_id") REFERENCES "question"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee"
            ADD CONSTRAINT "FK_31a7bb1777ab2e46d67e76d492e" FOREIGN KEY ("auteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_a97719cce9cd4ece3ee475d352c" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_19f8fafeaf56229bcb061405537" FOREIGN KEY ("reponse_publiee_id") REFERENCES "reponse_publiee"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_c993df2f493b09b6df50c4c2d83" FOREIGN KEY ("question_source_id") REFERENCES "question"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_0fd18d7f96a61557fe44d9a4633" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_b46adba4a84e0388909bd44758d" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee"
            ADD CONSTRAINT "FK_93d15542600132c75e52b432629" FOREIGN KEY ("auteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_reponse_publiee_recherche" ON "reponse_publiee" USING gin (
                (setweight(to_tsvector('fr_relais'::regconfig, question), 'A') || setweight(to_tsvector('fr_relais'::regconfig, reponse), 'B'))
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_reponse_publiee_recherche"`);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_93d15542600132c75e52b432629"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_b46adba4a84e0388909bd44758d"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_0fd18d7f96a61557fe44d9a4633"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_c993df2f493b09b6df50c4c2d83"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_19f8fafeaf56229bcb061405537"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_reutilisee" DROP CONSTRAINT "FK_a97719cce9cd4ece3ee475d352c"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee" DROP CONSTRAINT "FK_31a7bb1777ab2e46d67e76d492e"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee" DROP CONSTRAINT "FK_87623c7321bc23c7c2587b4682c"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee" DROP CONSTRAINT "FK_25798875a6940a32631633d8d21"
        `);
        await queryRunner.query(`
            ALTER TABLE "reponse_publiee" DROP CONSTRAINT "FK_a15c0e19fe717a1c1e7f3c87384"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_reponse_reutilisee_dispositif"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_reponse_reutilisee_reponse"
        `);
        await queryRunner.query(`
            DROP TABLE "reponse_reutilisee"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_reponse_publiee_dispositif"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_reponse_publiee_question_source"
        `);
        await queryRunner.query(`
            DROP TABLE "reponse_publiee"
        `);
        await queryRunner.query(`DROP TEXT SEARCH CONFIGURATION fr_relais`);
    }

}
