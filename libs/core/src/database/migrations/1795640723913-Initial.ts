import { MigrationInterface, QueryRunner } from 'typeorm';

/** Core (outbox) and directory tables. */

export class Initial1795640723913 implements MigrationInterface {
    name = 'Initial1795640723913'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Hand-written: extensions and functions the generated DDL relies on.
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
        await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
        // unaccent() is STABLE (it reads a dictionary); this IMMUTABLE wrapper can back indexes.
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
        `);
        await queryRunner.query(`
            CREATE TABLE "outbox" (
                "id" uuid NOT NULL,
                "type" character varying(120) NOT NULL,
                "aggregate_type" character varying(40) NOT NULL,
                "aggregate_id" uuid NOT NULL,
                "payload" jsonb NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "published_at" TIMESTAMP WITH TIME ZONE,
                "attempts" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_340ab539f309f03bdaa14aa7649" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_outbox_pending" ON "outbox" ("created_at")
            WHERE published_at IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "processed_event" (
                "consumer" character varying(80) NOT NULL,
                "event_id" uuid NOT NULL,
                "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_df88f54e67ec5c5caece922a498" PRIMARY KEY ("consumer", "event_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "maison" (
                "source" text,
                "verifie" boolean NOT NULL DEFAULT false,
                "note" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(64) NOT NULL,
                "nom" character varying(200) NOT NULL,
                "ville" character varying(100) NOT NULL,
                "departement_code" character varying(3) NOT NULL,
                "departement_nom" character varying(100) NOT NULL,
                "type" character varying(24) NOT NULL DEFAULT 'maison',
                "adresse" text,
                "horaires" text,
                CONSTRAINT "UQ_812d0f077a50b1e742b0b8632a8" UNIQUE ("code"),
                CONSTRAINT "PK_74123f8c316baa71aaaa670d202" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "direction" (
                "source" text,
                "verifie" boolean NOT NULL DEFAULT false,
                "note" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(64) NOT NULL,
                "sigle" character varying(40),
                "nom" character varying(250) NOT NULL,
                "type" character varying(24) NOT NULL,
                "historique" boolean NOT NULL DEFAULT false,
                CONSTRAINT "UQ_75d1f002d57fad0700dc2391430" UNIQUE ("code"),
                CONSTRAINT "PK_cd7122416e3f733711b5cfa2924" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "theme" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(64) NOT NULL,
                "libelle" character varying(200) NOT NULL,
                "direction_id" uuid,
                CONSTRAINT "UQ_d39e888e20592fb5fb0ff9c2f08" UNIQUE ("code"),
                CONSTRAINT "PK_c1934d0b4403bf10c1ab0c18166" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_9a7990ae401773b9ae7b5dacf4" ON "theme" ("direction_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "dispositif" (
                "source" text,
                "verifie" boolean NOT NULL DEFAULT false,
                "note" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code" character varying(120) NOT NULL,
                "nom" character varying(250) NOT NULL,
                "theme_id" uuid,
                "direction_id" uuid NOT NULL,
                "public_vise" text,
                "description" text,
                "mots_cles" text array NOT NULL DEFAULT '{}',
                "historique" boolean NOT NULL DEFAULT false,
                CONSTRAINT "UQ_a54bcbefc2293c3297a205a3f25" UNIQUE ("code"),
                CONSTRAINT "PK_520317eefc1d73778e357dfb2a3" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_5b5ec613c956875ae368f94338" ON "dispositif" ("theme_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3c7e9d5d1e2d0b595085184238" ON "dispositif" ("direction_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "email" character varying(254) NOT NULL,
                "display_name" character varying(200) NOT NULL,
                "fonction" character varying(200),
                "role" character varying(24) NOT NULL,
                "perimetre" character varying(16) NOT NULL,
                "maison_id" uuid,
                "direction_id" uuid,
                "telephone" character varying(40),
                "actif" boolean NOT NULL DEFAULT true,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"),
                CONSTRAINT "chk_users_scope" CHECK (
                    (
                        perimetre = 'maison'
                        AND maison_id IS NOT NULL
                        AND direction_id IS NULL
                    )
                    OR (
                        perimetre = 'direction'
                        AND direction_id IS NOT NULL
                        AND maison_id IS NULL
                    )
                    OR (
                        perimetre = 'reseau'
                        AND maison_id IS NULL
                        AND direction_id IS NULL
                    )
                ),
                CONSTRAINT "chk_users_perimetre" CHECK (perimetre IN ('maison', 'direction', 'reseau')),
                CONSTRAINT "chk_users_role" CHECK (
                    role IN (
                        'agent_mdr',
                        'responsable_mdr',
                        'referent',
                        'cabinet',
                        'manager',
                        'admin'
                    )
                ),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_002a6e4ffcf4643012968af874" ON "users" ("maison_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_ed2159ff15322c4f1c1db65031" ON "users" ("direction_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "referent" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "user_id" uuid NOT NULL,
                "direction_id" uuid NOT NULL,
                CONSTRAINT "UQ_61a9e28696b691e4ea7150f20a0" UNIQUE ("user_id"),
                CONSTRAINT "REL_61a9e28696b691e4ea7150f20a" UNIQUE ("user_id"),
                CONSTRAINT "PK_cc2ce0028f5e29c19feb82162ae" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_475df0af1c1fc934bc7860aea9" ON "referent" ("direction_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "specialisation" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "maison_id" uuid NOT NULL,
                "theme_id" uuid NOT NULL,
                CONSTRAINT "uq_specialisation_maison_theme" UNIQUE ("maison_id", "theme_id"),
                CONSTRAINT "PK_6e8f1bf7affda84cc7c9958eef5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_fe7a1ef95de636279a495b90d5" ON "specialisation" ("maison_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_22f363ad51300bcd77c41577d3" ON "specialisation" ("theme_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "referent_dispositif" (
                "referent_id" uuid NOT NULL,
                "dispositif_id" uuid NOT NULL,
                CONSTRAINT "PK_21e82f86c421e4504986aeadbf4" PRIMARY KEY ("referent_id", "dispositif_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_73e309640637e495a9bfb1809c" ON "referent_dispositif" ("referent_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_c52fa547953f519fad9e623867" ON "referent_dispositif" ("dispositif_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "referent_theme" (
                "referent_id" uuid NOT NULL,
                "theme_id" uuid NOT NULL,
                CONSTRAINT "PK_8571d86c5172c5fabdd467afda6" PRIMARY KEY ("referent_id", "theme_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_1dca8a4f2a7df94dcc58986a98" ON "referent_theme" ("referent_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_e9af7bd9d4f4daa722a8992cb9" ON "referent_theme" ("theme_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "theme"
            ADD CONSTRAINT "FK_9a7990ae401773b9ae7b5dacf4b" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dispositif"
            ADD CONSTRAINT "FK_5b5ec613c956875ae368f943386" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dispositif"
            ADD CONSTRAINT "FK_3c7e9d5d1e2d0b595085184238b" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "FK_002a6e4ffcf4643012968af8748" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "FK_ed2159ff15322c4f1c1db650314" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referent"
            ADD CONSTRAINT "FK_61a9e28696b691e4ea7150f20a0" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referent"
            ADD CONSTRAINT "FK_475df0af1c1fc934bc7860aea9f" FOREIGN KEY ("direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "specialisation"
            ADD CONSTRAINT "FK_fe7a1ef95de636279a495b90d5a" FOREIGN KEY ("maison_id") REFERENCES "maison"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "specialisation"
            ADD CONSTRAINT "FK_22f363ad51300bcd77c41577d33" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_dispositif"
            ADD CONSTRAINT "FK_73e309640637e495a9bfb1809cc" FOREIGN KEY ("referent_id") REFERENCES "referent"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_dispositif"
            ADD CONSTRAINT "FK_c52fa547953f519fad9e6238674" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_theme"
            ADD CONSTRAINT "FK_1dca8a4f2a7df94dcc58986a98e" FOREIGN KEY ("referent_id") REFERENCES "referent"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_theme"
            ADD CONSTRAINT "FK_e9af7bd9d4f4daa722a8992cb9c" FOREIGN KEY ("theme_id") REFERENCES "theme"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
        // Hand-written: wake the outbox relay as soon as a transaction adding rows commits.
        await queryRunner.query(`
            CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('relais_outbox', ''); RETURN NULL; END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_outbox_notify AFTER INSERT ON "outbox"
            FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER IF EXISTS trg_outbox_notify ON "outbox"`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS outbox_notify()`);
        await queryRunner.query(`
            ALTER TABLE "referent_theme" DROP CONSTRAINT "FK_e9af7bd9d4f4daa722a8992cb9c"
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_theme" DROP CONSTRAINT "FK_1dca8a4f2a7df94dcc58986a98e"
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_dispositif" DROP CONSTRAINT "FK_c52fa547953f519fad9e6238674"
        `);
        await queryRunner.query(`
            ALTER TABLE "referent_dispositif" DROP CONSTRAINT "FK_73e309640637e495a9bfb1809cc"
        `);
        await queryRunner.query(`
            ALTER TABLE "specialisation" DROP CONSTRAINT "FK_22f363ad51300bcd77c41577d33"
        `);
        await queryRunner.query(`
            ALTER TABLE "specialisation" DROP CONSTRAINT "FK_fe7a1ef95de636279a495b90d5a"
        `);
        await queryRunner.query(`
            ALTER TABLE "referent" DROP CONSTRAINT "FK_475df0af1c1fc934bc7860aea9f"
        `);
        await queryRunner.query(`
            ALTER TABLE "referent" DROP CONSTRAINT "FK_61a9e28696b691e4ea7150f20a0"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "FK_ed2159ff15322c4f1c1db650314"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "FK_002a6e4ffcf4643012968af8748"
        `);
        await queryRunner.query(`
            ALTER TABLE "dispositif" DROP CONSTRAINT "FK_3c7e9d5d1e2d0b595085184238b"
        `);
        await queryRunner.query(`
            ALTER TABLE "dispositif" DROP CONSTRAINT "FK_5b5ec613c956875ae368f943386"
        `);
        await queryRunner.query(`
            ALTER TABLE "theme" DROP CONSTRAINT "FK_9a7990ae401773b9ae7b5dacf4b"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_e9af7bd9d4f4daa722a8992cb9"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_1dca8a4f2a7df94dcc58986a98"
        `);
        await queryRunner.query(`
            DROP TABLE "referent_theme"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_c52fa547953f519fad9e623867"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_73e309640637e495a9bfb1809c"
        `);
        await queryRunner.query(`
            DROP TABLE "referent_dispositif"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_22f363ad51300bcd77c41577d3"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_fe7a1ef95de636279a495b90d5"
        `);
        await queryRunner.query(`
            DROP TABLE "specialisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_475df0af1c1fc934bc7860aea9"
        `);
        await queryRunner.query(`
            DROP TABLE "referent"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_ed2159ff15322c4f1c1db65031"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_002a6e4ffcf4643012968af874"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_3c7e9d5d1e2d0b595085184238"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_5b5ec613c956875ae368f94338"
        `);
        await queryRunner.query(`
            DROP TABLE "dispositif"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_9a7990ae401773b9ae7b5dacf4"
        `);
        await queryRunner.query(`
            DROP TABLE "theme"
        `);
        await queryRunner.query(`
            DROP TABLE "direction"
        `);
        await queryRunner.query(`
            DROP TABLE "maison"
        `);
        await queryRunner.query(`
            DROP TABLE "processed_event"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_outbox_pending"
        `);
        await queryRunner.query(`
            DROP TABLE "outbox"
        `);
        await queryRunner.query(`DROP FUNCTION IF EXISTS f_unaccent(text)`);
    }
}
