import { MigrationInterface, QueryRunner } from 'typeorm';

const CLASSES = Array.from({ length: 21 }, (_, i) => `"h${String(i).padStart(2, '0')}" integer NOT NULL DEFAULT 0`).join(',\n                ');

/**
 * The monthly level of the SLA dashboards' roll-up (ADR 0025): the same rows as tdb_sla_jour,
 * summed per local month (Europe/Paris), so that a long period reads whole months instead of
 * every day; and the weekly trend's level (ended and on time per ISO week, without clock kind
 * or histogram). Both filled from tdb_sla_jour by the same refresh, and here for the past.
 */
export class TableauxDeBordMois1795655300000 implements MigrationInterface {
    name = 'TableauxDeBordMois1795655300000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "tdb_sla_mois" (
                "flux" character varying(16) NOT NULL,
                "mois" date NOT NULL,
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
                CONSTRAINT "PK_tdb_sla_mois" PRIMARY KEY ("flux", "mois", "maison_id", "direction_id", "referent_id", "horloge"),
                CONSTRAINT "CHK_tdb_sla_mois_premier" CHECK (extract(day FROM "mois") = 1)
            )`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_mois_direction" ON "tdb_sla_mois" ("flux", "direction_id", "mois")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_mois_maison" ON "tdb_sla_mois" ("flux", "maison_id", "mois")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_mois_referent" ON "tdb_sla_mois" ("flux", "referent_id", "mois")`);
        // The months already in the daily level (an upgraded base): summed once here, so the
        // dashboards stay right without waiting for a `tdb:rebuild`.
        const sommes = ['termines', 'a_temps', 'minutes_somme', 'minutes_maison', 'minutes_siege', 'minutes_usager', 'minutes_cabinet',
            ...Array.from({ length: 21 }, (_, i) => `h${String(i).padStart(2, '0')}`)];
        await queryRunner.query(`
            INSERT INTO "tdb_sla_mois" (flux, mois, maison_id, direction_id, referent_id, horloge, minutes_max, ${sommes.join(', ')})
            SELECT flux, date_trunc('month', jour)::date, maison_id, direction_id, referent_id, horloge, max(minutes_max), ${sommes.map((c) => `sum(${c})`).join(', ')}
              FROM "tdb_sla_jour"
             GROUP BY flux, date_trunc('month', jour)::date, maison_id, direction_id, referent_id, horloge`);
        await queryRunner.query(`
            CREATE TABLE "tdb_sla_semaine" (
                "flux" character varying(16) NOT NULL,
                "semaine" date NOT NULL,
                "maison_id" uuid NOT NULL,
                "direction_id" uuid NOT NULL,
                "referent_id" uuid NOT NULL,
                "termines" integer NOT NULL,
                "a_temps" integer NOT NULL,
                CONSTRAINT "PK_tdb_sla_semaine" PRIMARY KEY ("flux", "semaine", "maison_id", "direction_id", "referent_id"),
                CONSTRAINT "CHK_tdb_sla_semaine_lundi" CHECK (extract(isodow FROM "semaine") = 1)
            )`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_semaine_direction" ON "tdb_sla_semaine" ("flux", "direction_id", "semaine")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_semaine_maison" ON "tdb_sla_semaine" ("flux", "maison_id", "semaine")`);
        await queryRunner.query(`CREATE INDEX "idx_tdb_sla_semaine_referent" ON "tdb_sla_semaine" ("flux", "referent_id", "semaine")`);
        await queryRunner.query(`
            INSERT INTO "tdb_sla_semaine" (flux, semaine, maison_id, direction_id, referent_id, termines, a_temps)
            SELECT flux, (jour - (extract(isodow FROM jour)::int - 1)), maison_id, direction_id, referent_id, sum(termines), sum(a_temps)
              FROM "tdb_sla_jour"
             GROUP BY flux, (jour - (extract(isodow FROM jour)::int - 1)), maison_id, direction_id, referent_id`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "tdb_sla_semaine"`);
        await queryRunner.query(`DROP TABLE "tdb_sla_mois"`);
    }
}
