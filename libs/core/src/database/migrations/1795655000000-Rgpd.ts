import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data protection (issue 16, ADR 0023): the timeline's free texts become anonymisable without
 * breaking the chain (format 2: the MAC covers their keyed digests, kept in `empreintes` once the
 * text is replaced), the one narrow way to do it (fil_anonymiser_evenement, the only UPDATE the
 * append-only trigger lets through), the question's anonymisation date with the retention job's
 * index, and the append-only register of every act on an usager's data (rgpd_journal).
 */
export class Rgpd1795655000000 implements MigrationInterface {
    name = 'Rgpd1795655000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Constant defaults: no table rewrite, and the append-only trigger does not fire.
        await queryRunner.query(`ALTER TABLE "timeline_event" ADD "format" smallint NOT NULL DEFAULT 1`);
        await queryRunner.query(`ALTER TABLE "timeline_event" ADD "empreintes" jsonb`);
        await queryRunner.query(`ALTER TABLE "timeline_event" ADD CONSTRAINT "chk_timeline_event_format" CHECK (format IN (1, 2) AND (empreintes IS NULL OR format = 2))`);
        // Still append-only, with one exception: fil_anonymiser_evenement() may replace free texts
        // of a format-2 event by « [anonymisé] », recording their digests, and change nothing else.
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION timeline_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                champs text[];
            BEGIN
                IF TG_OP = 'UPDATE' AND current_setting('relais.fil_anonymisation', true) = 'on' AND OLD.format = 2
                   AND NEW.empreintes IS NOT NULL
                   AND (NEW.id, NEW.ticket_type, NEW.ticket_id, NEW.seq, NEW.type, NEW.at, NEW.acteur_id, NEW.acteur_nom, NEW.acteur_role,
                        NEW.visibilite, NEW.unite_type, NEW.unite_id, NEW.hash, NEW.previous_hash, NEW.cle, NEW.format)
                       IS NOT DISTINCT FROM
                       (OLD.id, OLD.ticket_type, OLD.ticket_id, OLD.seq, OLD.type, OLD.at, OLD.acteur_id, OLD.acteur_nom, OLD.acteur_role,
                        OLD.visibilite, OLD.unite_type, OLD.unite_id, OLD.hash, OLD.previous_hash, OLD.cle, OLD.format)
                   AND (OLD.empreintes IS NULL OR OLD.empreintes <@ NEW.empreintes) THEN
                    champs := ARRAY(SELECT jsonb_object_keys(NEW.empreintes));
                    IF champs <@ ARRAY['objet', 'message', 'reponse', 'motif', 'issue', 'texte']
                       AND NOT EXISTS (SELECT 1 FROM unnest(champs) c WHERE NOT (OLD.data ? c) OR NEW.data->>c IS DISTINCT FROM '[anonymisé]')
                       AND (NEW.data - champs) = (OLD.data - champs) THEN
                        RETURN NEW;
                    END IF;
                END IF;
                RAISE EXCEPTION 'Le fil est en ajout seul : % interdit sur timeline_event.', TG_OP
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Ajoutez un nouvel événement au lieu de modifier ou supprimer un événement existant.';
            END $$`);
        // The application's role has no UPDATE on timeline_event: this function (its owner's
        // rights) is its only way to anonymise, and the trigger above checks what it does.
        await queryRunner.query(`
            CREATE FUNCTION fil_anonymiser_evenement(p_id uuid, p_empreintes jsonb) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
            BEGIN
                PERFORM set_config('relais.fil_anonymisation', 'on', true);
                UPDATE timeline_event
                   SET data = data || (SELECT jsonb_object_agg(k, '[anonymisé]') FROM jsonb_object_keys(p_empreintes) AS k),
                       empreintes = COALESCE(empreintes, '{}'::jsonb) || p_empreintes
                 WHERE id = p_id;
                PERFORM set_config('relais.fil_anonymisation', 'off', true);
            END $$`);
        await queryRunner.query(`REVOKE ALL ON FUNCTION fil_anonymiser_evenement(uuid, jsonb) FROM PUBLIC`);

        await queryRunner.query(`ALTER TABLE "question" ADD "anonymisee_le" TIMESTAMP WITH TIME ZONE`);
        // The retention job's batches: closed questions not yet anonymised, oldest closing first.
        await queryRunner.query(`CREATE INDEX "idx_question_a_anonymiser" ON "question" ("closed_at", "id") WHERE statut = 'close' AND anonymisee_le IS NULL`);

        // The rights' search: an usager by e-mail (case-insensitive) or phone (digits, +33 as 0),
        // the very expressions of RgpdService's query.
        await queryRunner.query(`CREATE INDEX "idx_question_usager_email" ON "question_usager" (lower(btrim(email))) WHERE email IS NOT NULL`);
        await queryRunner.query(`CREATE INDEX "idx_question_usager_telephone" ON "question_usager" (regexp_replace(regexp_replace(telephone, '\\D', '', 'g'), '^(?:0033|33)(\\d{9})$', '0\\1')) WHERE telephone IS NOT NULL`);

        await queryRunner.query(`
            CREATE TABLE "rgpd_journal" (
                "id" uuid NOT NULL,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acte" character varying(16) NOT NULL,
                "acteur_id" uuid,
                "motif" character varying(500),
                "identifiant_empreinte" character(64),
                "questions" uuid[] NOT NULL DEFAULT '{}',
                "evenements" integer NOT NULL DEFAULT 0,
                CONSTRAINT "chk_rgpd_journal_acte" CHECK (acte IN ('retention', 'effacement', 'acces')),
                CONSTRAINT "pk_rgpd_journal" PRIMARY KEY ("id")
            )`);
        await queryRunner.query(`CREATE INDEX "idx_rgpd_journal_at" ON "rgpd_journal" ("at", "id")`);
        await queryRunner.query(`
            ALTER TABLE "rgpd_journal" ADD CONSTRAINT "fk_rgpd_journal_acteur"
            FOREIGN KEY ("acteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`
            CREATE FUNCTION rgpd_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'Le journal RGPD est en ajout seul : % interdit.', TG_OP USING ERRCODE = 'restrict_violation';
            END $$`);
        await queryRunner.query(`CREATE TRIGGER trg_rgpd_journal_append_only BEFORE UPDATE OR DELETE ON "rgpd_journal" FOR EACH ROW EXECUTE FUNCTION rgpd_journal_append_only()`);
        await queryRunner.query(`CREATE TRIGGER trg_rgpd_journal_no_truncate BEFORE TRUNCATE ON "rgpd_journal" FOR EACH STATEMENT EXECUTE FUNCTION rgpd_journal_append_only()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "rgpd_journal"`);
        await queryRunner.query(`DROP FUNCTION rgpd_journal_append_only()`);
        await queryRunner.query(`DROP INDEX "idx_question_a_anonymiser"`);
        await queryRunner.query(`DROP INDEX "idx_question_usager_telephone"`);
        await queryRunner.query(`DROP INDEX "idx_question_usager_email"`);
        await queryRunner.query(`ALTER TABLE "question" DROP COLUMN "anonymisee_le"`);
        await queryRunner.query(`DROP FUNCTION fil_anonymiser_evenement(uuid, jsonb)`);
        await queryRunner.query(`
            CREATE OR REPLACE FUNCTION timeline_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'Le fil est en ajout seul : % interdit sur timeline_event.', TG_OP
                    USING ERRCODE = 'restrict_violation',
                          HINT = 'Ajoutez un nouvel événement au lieu de modifier ou supprimer un événement existant.';
            END $$`);
        await queryRunner.query(`ALTER TABLE "timeline_event" DROP CONSTRAINT "chk_timeline_event_format"`);
        await queryRunner.query(`ALTER TABLE "timeline_event" DROP COLUMN "empreintes"`);
        await queryRunner.query(`ALTER TABLE "timeline_event" DROP COLUMN "format"`);
    }
}
