import { MigrationInterface, QueryRunner } from 'typeorm';

/** What each direction may read (holds or held), in list order. */

export class QuestionAccesDirection1795642209220 implements MigrationInterface {
    name = 'QuestionAccesDirection1795642209220'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "question_acces_direction" (
                "direction_id" uuid NOT NULL,
                "question_created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "question_id" uuid NOT NULL,
                CONSTRAINT "PK_51db8a111878163e51bc0b9f274" PRIMARY KEY (
                    "direction_id",
                    "question_created_at",
                    "question_id"
                )
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "question_acces_direction"
            ADD CONSTRAINT "FK_b2b420bcb4923ded24ee27f1633" FOREIGN KEY ("question_id") REFERENCES "question"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "question_acces_direction"
            ADD CONSTRAINT "FK_70b464c8509dcaa0b1e05b7d3cf" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "question_acces_direction" DROP CONSTRAINT "FK_70b464c8509dcaa0b1e05b7d3cf"
        `);
        await queryRunner.query(`
            ALTER TABLE "question_acces_direction" DROP CONSTRAINT "FK_b2b420bcb4923ded24ee27f1633"
        `);
        await queryRunner.query(`
            DROP TABLE "question_acces_direction"
        `);
    }

}
