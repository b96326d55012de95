import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The « invitation à capitaliser » (issue 14, ADR 0017): prompts to publish a FAQ entry when
 * similar escalations pile up on a dispositif, the questions each one groups (a question in one
 * at most), and the index that finds a dispositif's recent escalations.
 */
export class CapitalisationInvitation1795653300000 implements MigrationInterface {
    name = 'CapitalisationInvitation1795653300000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "capitalisation_invitation" (
                "id" uuid NOT NULL,
                "dispositif_id" uuid NOT NULL,
                "direction_id" uuid NOT NULL,
                "question_id" uuid NOT NULL,
                "evenement_id" uuid NOT NULL,
                "creee_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "resolue_le" TIMESTAMP WITH TIME ZONE,
                "resolution" character varying(16),
                "reponse_publiee_id" uuid,
                "resolue_par" uuid,
                "version" integer NOT NULL DEFAULT '1',
                CONSTRAINT "UQ_4c1f7d9e57226dbe63efd392b72" UNIQUE ("evenement_id"),
                CONSTRAINT "chk_capitalisation_invitation_resolution" CHECK (
                    resolution IS NULL
                    OR resolution IN ('publiee', 'ignoree')
                ),
                CONSTRAINT "PK_b0ec50e20747863611f79a44b23" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_capitalisation_invitation_dispositif" ON "capitalisation_invitation" ("dispositif_id", "creee_le")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_capitalisation_invitation_ouverte" ON "capitalisation_invitation" ("direction_id", "creee_le", "id")
            WHERE resolue_le IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "capitalisation_invitation_question" (
                "question_id" uuid NOT NULL,
                "invitation_id" uuid NOT NULL,
                "ajoutee_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_f87c2cc7f44effcbc6b135166af" PRIMARY KEY ("question_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_capitalisation_invitation_question_invitation" ON "capitalisation_invitation_question" ("invitation_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_question_dispositif_escaladee" ON "question" ("dispositif_id", "escaladee_at")
            WHERE escaladee_at IS NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation"
            ADD CONSTRAINT "FK_2fa741fb21ea8e7ddbd10b85530" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation"
            ADD CONSTRAINT "FK_a0256c0a6f0aa0da8e4c3a2a56f" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation"
            ADD CONSTRAINT "FK_6a38a913bd0aba0638028e3c2a8" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation"
            ADD CONSTRAINT "FK_4a4f5d0839d8338cb52cf002686" FOREIGN KEY ("reponse_publiee_id") REFERENCES "reponse_publiee"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation"
            ADD CONSTRAINT "FK_c45d99288345bf8a65876cac289" FOREIGN KEY ("resolue_par") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation_question"
            ADD CONSTRAINT "FK_f87c2cc7f44effcbc6b135166af" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation_question"
            ADD CONSTRAINT "FK_f5df6890964f06d8de06793387f" FOREIGN KEY ("invitation_id") REFERENCES "capitalisation_invitation"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation_question" DROP CONSTRAINT "FK_f5df6890964f06d8de06793387f"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation_question" DROP CONSTRAINT "FK_f87c2cc7f44effcbc6b135166af"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation" DROP CONSTRAINT "FK_c45d99288345bf8a65876cac289"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation" DROP CONSTRAINT "FK_4a4f5d0839d8338cb52cf002686"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation" DROP CONSTRAINT "FK_6a38a913bd0aba0638028e3c2a8"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation" DROP CONSTRAINT "FK_a0256c0a6f0aa0da8e4c3a2a56f"
        `);
        await queryRunner.query(`
            ALTER TABLE "capitalisation_invitation" DROP CONSTRAINT "FK_2fa741fb21ea8e7ddbd10b85530"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_question_dispositif_escaladee"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_capitalisation_invitation_question_invitation"
        `);
        await queryRunner.query(`
            DROP TABLE "capitalisation_invitation_question"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_capitalisation_invitation_ouverte"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_capitalisation_invitation_dispositif"
        `);
        await queryRunner.query(`
            DROP TABLE "capitalisation_invitation"
        `);
    }

}
