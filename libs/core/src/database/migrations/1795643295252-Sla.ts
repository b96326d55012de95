import { MigrationInterface, QueryRunner } from 'typeorm';

/** SLA: policies, calendars, clocks, fired timers, holder time, per-ticket cursors. */

export class Sla1795643295252 implements MigrationInterface {
    name = 'Sla1795643295252'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "sla_politique" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "libelle" character varying(200) NOT NULL,
                "flux" character varying(16) NOT NULL,
                "horloge" character varying(32) NOT NULL,
                "priorite" character varying(16),
                "direction_id" uuid,
                "theme_id" uuid,
                "cible_minutes" double precision NOT NULL,
                "seuil_pct" integer NOT NULL DEFAULT '75',
                "actif" boolean NOT NULL DEFAULT true,
                "version" integer NOT NULL DEFAULT '1',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "chk_sla_politique_seuil" CHECK (
                    seuil_pct BETWEEN 1 AND 99
                ),
                CONSTRAINT "chk_sla_politique_cible" CHECK (cible_minutes > 0),
                CONSTRAINT "PK_aaa376938695e5352780ade8255" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "sla_calendrier" (
                "id" character varying(64) NOT NULL,
                "spec" jsonb NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_f9b736893ac22bd51c19b118ca4" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "sla_horloge" (
                "id" uuid NOT NULL,
                "ticket_type" character varying(16) NOT NULL,
                "ticket_id" uuid NOT NULL,
                "affectation_id" uuid NOT NULL,
                "horloge" character varying(32) NOT NULL,
                "cycle" integer NOT NULL DEFAULT '1',
                "etat" character varying(16) NOT NULL,
                "cible_minutes" double precision NOT NULL,
                "seuil_pct" integer NOT NULL,
                "politique_id" uuid,
                "politique_version" integer,
                "calendrier_id" character varying(64) NOT NULL,
                "consomme_minutes" double precision NOT NULL DEFAULT '0',
                "segment_depuis" TIMESTAMP WITH TIME ZONE,
                "echeance" TIMESTAMP WITH TIME ZONE,
                "avertissement_a" TIMESTAMP WITH TIME ZONE,
                "generation" integer NOT NULL DEFAULT '1',
                "demarree_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "avertie_a" TIMESTAMP WITH TIME ZONE,
                "depassee_a" TIMESTAMP WITH TIME ZONE,
                "atteinte_a" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "uq_sla_horloge_ticket" UNIQUE (
                    "ticket_type",
                    "ticket_id",
                    "affectation_id",
                    "horloge",
                    "cycle"
                ),
                CONSTRAINT "chk_sla_horloge_etat" CHECK (
                    etat IN (
                        'running',
                        'paused',
                        'met',
                        'breached',
                        'cancelled'
                    )
                ),
                CONSTRAINT "PK_2908d78321883addd3ab07ec2f3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_sla_horloge_running_due" ON "sla_horloge" ("echeance")
            WHERE etat = 'running'
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_sla_horloge_ticket" ON "sla_horloge" ("ticket_type", "ticket_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "sla_declenchement" (
                "horloge_id" uuid NOT NULL,
                "generation" integer NOT NULL,
                "type" character varying(16) NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "retard_ms" integer NOT NULL,
                CONSTRAINT "PK_5d9f9499f0d1d9a8f433fa1aad3" PRIMARY KEY ("horloge_id", "generation", "type")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "sla_detention" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "horloge_id" uuid NOT NULL,
                "detenteur_type" character varying(16) NOT NULL,
                "detenteur_id" uuid,
                "depuis" TIMESTAMP WITH TIME ZONE NOT NULL,
                "jusqu_a" TIMESTAMP WITH TIME ZONE,
                "minutes" double precision,
                CONSTRAINT "PK_8a84c8cc5c9dbbede2e648147a0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_sla_detention_horloge" ON "sla_detention" ("horloge_id", "depuis")
        `);
        await queryRunner.query(`
            CREATE TABLE "sla_curseur" (
                "ticket_type" character varying(16) NOT NULL,
                "ticket_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                CONSTRAINT "PK_6f94fbc7dc67a46db5d43039184" PRIMARY KEY ("ticket_type", "ticket_id")
            )
        `);
        // Hand-written: the default calendars (frozen copies of NETWORK_CALENDAR and SIEGE_CALENDAR
        // as of this migration) and default targets in business minutes (a siège day is 480,
        // an MdR day 420). Admins change them through PUT /sla/politiques/{id}.
        await queryRunner.query(`INSERT INTO sla_calendrier (id, spec) VALUES ('reseau', $1::jsonb), ('siege', $2::jsonb)`, [
            JSON.stringify({"id": "reseau", "libelle": "Réseau des Maisons de la Région", "timeZone": "Europe/Paris", "hours": {"1": [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}], "2": [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}], "3": [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}], "4": [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}], "5": [{"start": "09:00", "end": "12:30"}, {"start": "13:30", "end": "17:00"}], "6": [], "7": []}, "holidays": "FR", "closures": []}),
            JSON.stringify({"id": "siege", "libelle": "Siège de la Région", "timeZone": "Europe/Paris", "hours": {"1": [{"start": "08:30", "end": "12:30"}, {"start": "13:30", "end": "17:30"}], "2": [{"start": "08:30", "end": "12:30"}, {"start": "13:30", "end": "17:30"}], "3": [{"start": "08:30", "end": "12:30"}, {"start": "13:30", "end": "17:30"}], "4": [{"start": "08:30", "end": "12:30"}, {"start": "13:30", "end": "17:30"}], "5": [{"start": "08:30", "end": "12:30"}, {"start": "13:30", "end": "17:30"}], "6": [], "7": []}, "holidays": "FR", "closures": []}),
        ]);
        await queryRunner.query(`
            INSERT INTO sla_politique (libelle, flux, horloge, priorite, cible_minutes, seuil_pct) VALUES
            ('Question : prise en charge (normale)', 'question', 'prise_en_charge', 'normale', 480, 75),
            ('Question : prise en charge (haute)', 'question', 'prise_en_charge', 'haute', 120, 75),
            ('Question : réponse (normale)', 'question', 'reponse', 'normale', 1440, 75),
            ('Question : réponse (haute)', 'question', 'reponse', 'haute', 480, 75),
            ('Question : relais à l’usager', 'question', 'relais', NULL, 420, 75),
            ('Commande : accusé de réception', 'commande', 'accuse_reception', NULL, 420, 75)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "sla_curseur"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_sla_detention_horloge"
        `);
        await queryRunner.query(`
            DROP TABLE "sla_detention"
        `);
        await queryRunner.query(`
            DROP TABLE "sla_declenchement"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_sla_horloge_ticket"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_sla_horloge_running_due"
        `);
        await queryRunner.query(`
            DROP TABLE "sla_horloge"
        `);
        await queryRunner.query(`
            DROP TABLE "sla_calendrier"
        `);
        await queryRunner.query(`
            DROP TABLE "sla_politique"
        `);
    }

}
