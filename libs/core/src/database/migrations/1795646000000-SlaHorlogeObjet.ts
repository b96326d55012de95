import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A clock says what it is about within its kind: each livrable of an assignment has its own
 * deadline clock ('echeance_livrable'), so the livrable's id joins the clock's unique key.
 */
export class SlaHorlogeObjet1795646000000 implements MigrationInterface {
    name = 'SlaHorlogeObjet1795646000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "sla_horloge" ADD "objet" character varying(64) NOT NULL DEFAULT ''`);
        await queryRunner.query(`ALTER TABLE "sla_horloge" DROP CONSTRAINT "uq_sla_horloge_ticket"`);
        await queryRunner.query(
            `ALTER TABLE "sla_horloge" ADD CONSTRAINT "uq_sla_horloge_ticket" UNIQUE ("ticket_type", "ticket_id", "affectation_id", "horloge", "objet", "cycle")`,
        );
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "sla_horloge" DROP CONSTRAINT "uq_sla_horloge_ticket"`);
        await queryRunner.query(`DELETE FROM "sla_horloge" WHERE "objet" <> ''`);
        await queryRunner.query(
            `ALTER TABLE "sla_horloge" ADD CONSTRAINT "uq_sla_horloge_ticket" UNIQUE ("ticket_type", "ticket_id", "affectation_id", "horloge", "cycle")`,
        );
        await queryRunner.query(`ALTER TABLE "sla_horloge" DROP COLUMN "objet"`);
    }
}
