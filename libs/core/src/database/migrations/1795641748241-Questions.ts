import { MigrationInterface, QueryRunner } from 'typeorm';

/** Questions, their usager data apart, and the holder history. */

export class Questions1795641748241 implements MigrationInterface {
    name = 'Questions1795641748241'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Hand-written: question references Q-<year>-<n>; a sequence is gap-tolerant and never blocks.
        await queryRunner.query(`CREATE SEQUENCE question_reference_seq AS bigint START 1`);
        await queryRunner.query(`
            CREATE TABLE "question" (
                "id" uuid NOT NULL,
                "reference" character varying(24) NOT NULL,
                "maison_id" uuid NOT NULL,
                "objet" character varying(200) NOT NULL,
                "description" text NOT NULL,
                "canal" character varying(16) NOT NULL,
                "priorite" character varying(16) NOT NULL,
                "dispositif_id" uuid,
                "theme_id" uuid,
                "statut" character varying(32) NOT NULL,
                "direction_id" uuid,
                "referent_id" uuid,
                "reponse" text,
                "issue" character varying(500),
                "created_by" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "escaladee_at" TIMESTAMP WITH TIME ZONE,
                "closed_at" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL,
                CONSTRAINT "UQ_93fd23946eb840ff9d0930f689d" UNIQUE ("reference"),
                CONSTRAINT "chk_question_priorite" CHECK (priorite IN ('normale', 'haute')),
                CONSTRAINT "chk_question_canal" CHECK (canal IN ('guichet', 'telephone', 'email')),
                CONSTRAINT "chk_question_statut" CHECK (
                    statut IN (
                        'recue',
                        'repondue_localement',
                        'escaladee',
                        'prise_en_charge',
                        'en_attente_info',
                        'repondue',
                        'close',
                        'rouverte'
                    )
                ),
                CONSTRAINT "PK_21e5786aa0ea704ae185a79b2d5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_dispositif" ON "question" ("dispositif_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_file" ON "question" ("direction_id", "escaladee_at", "id")
            WHERE statut IN (
                    'escaladee',
                    'prise_en_charge',
                    'en_attente_info'
                )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_statut_created" ON "question" ("statut", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_created" ON "question" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_maison_created" ON "question" ("maison_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "question_usager" (
                "question_id" uuid NOT NULL,
                "nom" character varying(200),
                "organisation" character varying(200),
                "email" character varying(254),
                "telephone" character varying(40),
                "consentement" boolean NOT NULL,
                "consenti_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "anonymise_le" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_47ceb1254b4db4907ff0c07344e" PRIMARY KEY ("question_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "question_detention" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "question_id" uuid NOT NULL,
                "direction_id" uuid,
                "depuis" TIMESTAMP WITH TIME ZONE NOT NULL,
                "jusqu_a" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_892cb7de608b5b0b49a08068953" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_detention_direction" ON "question_detention" ("direction_id", "question_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_detention_question" ON "question_detention" ("question_id", "depuis")
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_e9b86a8bd79d12556d98e85efe0" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_b0c54d7346b090e3d2d24093f6b" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_e2b3723d4ee59480c1b8641c1a7" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_fb2185200dd6c27b47ddd8c4639" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_c04382bb6f5507d795404a79150" FOREIGN KEY ("referent_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question"
            ADD CONSTRAINT "FK_5f80c84683bc919678a7c8f424b" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question_usager"
            ADD CONSTRAINT "FK_47ceb1254b4db4907ff0c07344e" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question_detention"
            ADD CONSTRAINT "FK_d4f7f8ce7cb465ad370352a9909" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question_detention"
            ADD CONSTRAINT "FK_fe18c9d157a48f3eb61fae9d382" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP SEQUENCE IF EXISTS question_reference_seq`);
        await queryRunner.query(`
            ALTER TABLE "question_detention" DROP CONSTRAINT "FK_fe18c9d157a48f3eb61fae9d382"
        `);
        await queryRunner.query(`
            ALTER TABLE "question_detention" DROP CONSTRAINT "FK_d4f7f8ce7cb465ad370352a9909"
        `);
        await queryRunner.query(`
            ALTER TABLE "question_usager" DROP CONSTRAINT "FK_47ceb1254b4db4907ff0c07344e"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_5f80c84683bc919678a7c8f424b"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_c04382bb6f5507d795404a79150"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_fb2185200dd6c27b47ddd8c4639"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_e2b3723d4ee59480c1b8641c1a7"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_b0c54d7346b090e3d2d24093f6b"
        `);
        await queryRunner.query(`
            ALTER TABLE "question" DROP CONSTRAINT "FK_e9b86a8bd79d12556d98e85efe0"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_detention_question"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_detention_direction"
        `);
        await queryRunner.query(`
            DROP TABLE "question_detention"
        `);
        await queryRunner.query(`
            DROP TABLE "question_usager"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_maison_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_statut_created"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_file"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_dispositif"
        `);
        await queryRunner.query(`
            DROP TABLE "question"
        `);
    }

}
