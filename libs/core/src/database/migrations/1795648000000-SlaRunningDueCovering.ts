import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The running clocks' index also carries what the reconciler counts every period (the timers
 * they need: the due one, and the warning until it is given), so that count is an index-only
 * scan instead of a visit to every running clock's row (60–400 ms at 100,000 running clocks).
 */
export class SlaRunningDueCovering1795648000000 implements MigrationInterface {
    name = 'SlaRunningDueCovering1795648000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_sla_horloge_running_due"`);
        await queryRunner.query(`
            CREATE INDEX "idx_sla_horloge_running_due" ON "sla_horloge" ("echeance", "avertissement_a", "avertie_a")
            WHERE etat = 'running'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_sla_horloge_running_due"`);
        await queryRunner.query(`CREATE INDEX "idx_sla_horloge_running_due" ON "sla_horloge" ("echeance") WHERE etat = 'running'`);
    }
}
