import { MigrationInterface, QueryRunner } from 'typeorm';

const CLASSES = Array.from({ length: 21 }, (_, i) => `"h${String(i).padStart(2, '0')}" integer NOT NULL DEFAULT 0`).join(',\n                ');

/**
 * The SLA dashboards' read model (ADR 0007): a daily roll-up of ended clocks, refreshed by the
 * worker, and the indexes it needs (open questions, clocks met by day).
 */
export class TableauxDeBord1795647000000 implements MigrationInterface {
    name = 'TableauxDeBord1795647000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tdb_sla_jour" (
                "flux" character varying(16) NOT NULL,
                "jour" date NOT NULL,
                "maison_id" uuid NOT NULL,
                "direction_id" uuid NOT NULL,
                "referent_id" uuid NOT NULL,
                "horloge" character varying(32) NOT NULL,
                "termines" integer NOT NULL,
                "a_temps" integer NOT NULL,
                "minutes_somme" double precision NOT NULL,
                "minutes_max" double precision NOT NULL,
                "minutes_maison" double precision NOT NULL DEFAULT 0,
                "minutes_siege" double precision NOT NULL DEFAULT 0,
                "minutes_usager" double precision NOT NULL DEFAULT 0,
                "minutes_cabinet" double precision NOT NULL DEFAULT 0,
                ${CLASSES},
                CONSTRAINT "PK_tdb_sla_jour" PRIMARY KEY ("flux", "jour", "maison_id", "direction_id", "referent_id", "horloge")
            )`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_jour_direction" ON "tdb_sla_jour" ("flux", "direction_id", "jour")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_jour_maison" ON "tdb_sla_jour" ("flux", "maison_id", "jour")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_jour_referent" ON "tdb_sla_jour" ("flux", "referent_id", "jour")`);
        await queryRunner.query(`
            CREATE TABLE "tdb_rafraichissement" (
                "id" character varying(32) NOT NULL,
                "a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "jours" integer NOT NULL,
                CONSTRAINT "PK_tdb_rafraichissement" PRIMARY KEY ("id")
            )`);
        // The open questions, a small set whatever the history: the dashboards' "now" figures read
        // only them, from the index alone (id included: no visit to the table's pages).
        await queryRunner.query(`
            CREATE INDEX "idx_question_ouverte" ON "question" ("maison_id", "direction_id", "referent_id", "created_at", "id")
            WHERE statut IN ('recue', 'escaladee', 'prise_en_charge', 'en_attente_info', 'repondue', 'rouverte')`);
        // The refresh reads the clocks met on given days.
        await queryRunner.query(`CREATE INDEX "idx_sla_horloge_atteinte" ON "sla_horloge" ("atteinte_a") WHERE etat = 'met'`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_question_ouverte"`);
        await queryRunner.query(`DROP INDEX "public"."idx_sla_horloge_atteinte"`);
        await queryRunner.query(`DROP TABLE "tdb_rafraichissement"`);
        await queryRunner.query(`DROP TABLE "tdb_sla_jour"`);
    }
}
