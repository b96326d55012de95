import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The directory from history (ADR 0014) reads who answered from the questions' timeline. Without
 * these, GET /dispositifs/{id}/referents-historique (and the référent suggestion) scanned every
 * timeline event for the answers of one dispositif's questions, and GET /dispositifs?orphelins=true
 * every question and event (test/directory/historique-plans.e2e-spec.ts):
 * - the answers (`question.repondue`, a small share of the timeline) by question, with their
 *   date, so that each question's answer is one probe of a small index (the orphans find a
 *   direction's questions through question_acces_direction, which the direction's list uses).
 */
export class DirectoryHistoriqueIndexes1795653500000 implements MigrationInterface {
    name = 'DirectoryHistoriqueIndexes1795653500000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idx_timeline_event_reponse" ON "timeline_event" ("ticket_id", "at")
            WHERE ticket_type = 'question' AND type = 'question.repondue'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_timeline_event_reponse"`);
    }
}
