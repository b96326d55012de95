import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Breached clocks whose warning is still to give (it was due before the breach and came after
 * it): the reconciler looks for their lost timers every period. Nearly always empty, so the
 * look-up costs nothing with this partial index and a scan of every breached clock without it.
 */
export class SlaLateWarningIndex1795649100000 implements MigrationInterface {
    name = 'SlaLateWarningIndex1795649100000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idx_sla_horloge_avertissement_tardif" ON "sla_horloge" ("depassee_a")
            WHERE etat = 'breached' AND avertissement_a IS NOT NULL AND avertie_a IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_sla_horloge_avertissement_tardif"`);
    }
}
