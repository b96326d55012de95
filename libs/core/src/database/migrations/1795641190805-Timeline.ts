import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared timeline of every ticket type: one append-only, hash-chained table.
 * Hand-written; the entity (libs/timeline) declares the same constraint names.
 */
export class Timeline1795641190805 implements MigrationInterface {
    name = 'Timeline1795641190805'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The unique (ticket_type, ticket_id, seq) index also serves every read of a ticket's
        // timeline in order, so there is no other index.
        await queryRunner.query(`
            CREATE TABLE "timeline_event" (
                "id" uuid NOT NULL,
                "ticket_type" character varying(16) NOT NULL,
                "ticket_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "type" character varying(120) NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acteur_id" uuid,
                "acteur_nom" character varying(200),
                "acteur_role" character varying(24),
                "visibilite" character varying(16) NOT NULL,
                "unite_type" character varying(16),
                "unite_id" uuid,
                "data" jsonb NOT NULL,
                "hash" character(64) NOT NULL,
                "previous_hash" character(64),
                CONSTRAINT "uq_timeline_event_ticket_seq" UNIQUE ("ticket_type", "ticket_id", "seq"),
                CONSTRAINT "chk_timeline_event_ticket_type" CHECK (ticket_type IN ('question', 'commande')),
                CONSTRAINT "chk_timeline_event_seq" CHECK (seq >= 1),
                CONSTRAINT "chk_timeline_event_visibilite" CHECK (visibilite IN ('partage', 'interne')),
                CONSTRAINT "chk_timeline_event_interne_unite" CHECK (visibilite <> 'interne' OR unite_type IS NOT NULL),
                CONSTRAINT "chk_timeline_event_unite" CHECK (
                    (unite_type IS NULL AND unite_id IS NULL)
                    OR (unite_type IN ('maison', 'direction') AND unite_id IS NOT NULL)
                    OR (unite_type IN ('cabinet', 'reseau') AND unite_id IS NULL)
                ),
                CONSTRAINT "chk_timeline_event_chain" CHECK ((seq = 1) = (previous_hash IS NULL)),
                CONSTRAINT "chk_timeline_event_acteur" CHECK (
                    (acteur_id IS NULL) = (acteur_nom IS NULL) AND (acteur_id IS NULL) = (acteur_role IS NULL)
                ),
                CONSTRAINT "pk_timeline_event" PRIMARY KEY ("id")
            )
        `);
        // Append-only, enforced by the database whatever the application does. A superuser can
        // still disable the triggers: the hash chain is what makes that visible afterwards.
        await queryRunner.query(`
            CREATE FUNCTION timeline_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'Le fil est en ajout seul : % interdit sur timeline_event.', TG_OP
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Ajoutez un nouvel événement au lieu de modifier ou supprimer un événement existant.';
            END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_timeline_event_append_only BEFORE UPDATE OR DELETE ON "timeline_event"
            FOR EACH ROW EXECUTE FUNCTION timeline_event_append_only()
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_timeline_event_no_truncate BEFORE TRUNCATE ON "timeline_event"
            FOR EACH STATEMENT EXECUTE FUNCTION timeline_event_append_only()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER IF EXISTS trg_timeline_event_no_truncate ON "timeline_event"`);
        await queryRunner.query(`DROP TRIGGER IF EXISTS trg_timeline_event_append_only ON "timeline_event"`);
        await queryRunner.query(`DROP FUNCTION IF EXISTS timeline_event_append_only()`);
        await queryRunner.query(`
            DROP TABLE "timeline_event"
        `);
    }
}
