import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The network's questions on one thème, newest first: what a correspondent Maison reads
 * (GET /questions?specialisation=true, ADR 0018). The dispositif side of the thème uses the
 * existing idx_question_dispositif.
 */
export class SpecialisationQuestions1795653400000 implements MigrationInterface {
    name = 'SpecialisationQuestions1795653400000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idx_question_theme_created" ON "question" ("theme_id", "created_at", "id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_question_theme_created"`);
    }
}
