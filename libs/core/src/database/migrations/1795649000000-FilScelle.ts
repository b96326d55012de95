import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline a database writer cannot rewrite (ADR 0002): the key id of each event's MAC,
 * each ticket's head anchored on its row, and the daily seals of every head. Events written
 * before keep `cle` NULL (SHA-256 chain); `cli migrate` anchors their heads once (anchorLegacyHeads).
 */
export class FilScelle1795649000000 implements MigrationInterface {
    name = 'FilScelle1795649000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "timeline_event" ADD "cle" character varying(32)`);
        for (const table of ['question', 'commande']) {
            await queryRunner.query(`ALTER TABLE "${table}" ADD "fil_seq" integer NOT NULL DEFAULT 0`);
            await queryRunner.query(`ALTER TABLE "${table}" ADD "fil_hash" character(64)`);
            await queryRunner.query(`ALTER TABLE "${table}" ADD "fil_mac" character(64)`);
            await queryRunner.query(`ALTER TABLE "${table}" ADD "fil_cle" character varying(32)`);
        }
        await queryRunner.query(`
            CREATE TABLE "sceau" (
                "id" BIGSERIAL NOT NULL,
                "jour" date NOT NULL,
                "scelle_a" TIMESTAMP WITH TIME ZONE NOT NULL,
                "tickets" integer NOT NULL,
                "evenements" bigint NOT NULL,
                "digest" character(64) NOT NULL,
                "precedent_mac" character(64),
                "mac" character(64) NOT NULL,
                "cle" character varying(32) NOT NULL,
                CONSTRAINT "uq_sceau_jour" UNIQUE ("jour"),
                CONSTRAINT "pk_sceau" PRIMARY KEY ("id")
            )`);
        // One row per ticket whose head changed since the previous seal; the latest row of a
        // ticket is what its verification compares against.
        await queryRunner.query(`
            CREATE TABLE "sceau_tete" (
                "ticket_type" character varying(16) NOT NULL,
                "ticket_id" uuid NOT NULL,
                "sceau_id" bigint NOT NULL,
                "seq" integer NOT NULL,
                "hash" character(64) NOT NULL,
                "mac" character(64) NOT NULL,
                CONSTRAINT "pk_sceau_tete" PRIMARY KEY ("ticket_type", "ticket_id", "sceau_id")
            )`);
        await queryRunner.query(`CREATE INDEX "idx_sceau_tete_sceau" ON "sceau_tete" ("sceau_id", "ticket_type", "ticket_id")`);
        // Append-only like the timeline (and the application's role has no UPDATE or DELETE on them).
        await queryRunner.query(`
            CREATE FUNCTION sceau_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'Les sceaux sont en ajout seul : % interdit sur %.', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END $$`);
        for (const table of ['sceau', 'sceau_tete']) {
            await queryRunner.query(`CREATE TRIGGER trg_${table}_append_only BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION sceau_append_only()`);
            await queryRunner.query(`CREATE TRIGGER trg_${table}_no_truncate BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION sceau_append_only()`);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "sceau_tete"`);
        await queryRunner.query(`DROP TABLE "sceau"`);
        await queryRunner.query(`DROP FUNCTION sceau_append_only()`);
        for (const table of ['question', 'commande']) {
            await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "fil_cle", DROP COLUMN "fil_mac", DROP COLUMN "fil_hash", DROP COLUMN "fil_seq"`);
        }
        await queryRunner.query(`ALTER TABLE "timeline_event" DROP COLUMN "cle"`);
    }
}
