import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suggestions (issue 14): the answered questions' search index, on the expression
 * QUESTION_SUGGESTION_TSVECTOR of libs/questions. Beside the objet's words it holds one token
 * for the month the question was recorded (`_m<year*12+month>`, UTC), so that "answered in the
 * last N months" is answered by the index too, not by a heap walk over every answered question.
 * Partial: only answered questions can be suggested.
 */
export class QuestionSuggestions1795653200000 implements MigrationInterface {
    name = 'QuestionSuggestions1795653200000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idx_question_suggestion" ON "question" USING gin ((
                to_tsvector('fr_relais'::regconfig, objet::text)
                || array_to_tsvector(ARRAY['_m' || (date_part('year', created_at AT TIME ZONE 'UTC') * 12 + date_part('month', created_at AT TIME ZONE 'UTC'))::int::text])
            ))
            WHERE statut IN ('repondue', 'repondue_localement', 'close') AND reponse IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_question_suggestion"`);
    }
}
