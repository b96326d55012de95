import { MigrationInterface, QueryRunner } from 'typeorm';

/** The usager's tracking links: the SHA-256 of each token only, at most one active link per question (ADR 0010). */
export class LienSuivi1795650300000 implements MigrationInterface {
    name = 'LienSuivi1795650300000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "question_lien_suivi" (
                "id" uuid NOT NULL,
                "question_id" uuid NOT NULL,
                "jeton_hash" character(64) NOT NULL,
                "cree_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "cree_par" uuid NOT NULL,
                "revoque_le" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_1e115c1f5e0d9239d33d7a9acd0" PRIMARY KEY ("id")
            )`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_question_lien_suivi_hash" ON "question_lien_suivi" ("jeton_hash")`);
        await queryRunner.query(`CREATE UNIQUE INDEX "idx_question_lien_suivi_actif" ON "question_lien_suivi" ("question_id") WHERE revoque_le IS NULL`);
        await queryRunner.query(`
            ALTER TABLE "question_lien_suivi" ADD CONSTRAINT "FK_9d8717f3c952276453d22535491"
            FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`
            ALTER TABLE "question_lien_suivi" ADD CONSTRAINT "FK_2f913a67d0328b2d405235a2f9a"
            FOREIGN KEY ("cree_par") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "question_lien_suivi"`);
    }
}
