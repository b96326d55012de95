import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The search (issue 14, ADR 0015): a stored search vector per dispositif, document and published
 * answer, kept by a trigger from the row's own text, so that ranking reads it instead of running
 * the French analyser again on every match (to_tsvector costs ~0.5 ms per kilobyte here). GIN
 * indexes on the dispositif's and the document's vectors; the published answers keep matching
 * through idx_reponse_publiee_recherche (REPONSE_PUBLIEE_TSVECTOR, same value as their column).
 * A document's text is indexed up to its first 100,000 characters (to_tsvector refuses vectors
 * over 1 MB and keeps no position past 16,383): DOCUMENT_TEXTE_INDEXE in libs/knowledge.
 */
export class Recherche1795653100000 implements MigrationInterface {
    name = 'Recherche1795653100000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "dispositif" ADD "recherche" tsvector`);
        await queryRunner.query(`ALTER TABLE "document" ADD "recherche" tsvector`);
        await queryRunner.query(`ALTER TABLE "reponse_publiee" ADD "recherche" tsvector`);
        await queryRunner.query(`
            CREATE FUNCTION dispositif_recherche() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
            BEGIN
                NEW.recherche :=
                    setweight(to_tsvector('fr_relais'::regconfig, NEW.nom), 'A') ||
                    setweight(to_tsvector('fr_relais'::regconfig, array_to_string(NEW.mots_cles, ' ')), 'B') ||
                    setweight(to_tsvector('fr_relais'::regconfig, coalesce(NEW.public_vise, '') || ' ' || coalesce(NEW.description, '')), 'C');
                RETURN NEW;
            END $$
        `);
        await queryRunner.query(`
            CREATE FUNCTION document_recherche() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
            BEGIN
                NEW.recherche :=
                    setweight(to_tsvector('fr_relais'::regconfig, NEW.titre), 'A') ||
                    setweight(to_tsvector('fr_relais'::regconfig, left(coalesce(NEW.texte, ''), 100000)), 'C');
                RETURN NEW;
            END $$
        `);
        // The same value as REPONSE_PUBLIEE_TSVECTOR (libs/knowledge), the expression of its index.
        await queryRunner.query(`
            CREATE FUNCTION reponse_publiee_recherche() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
            BEGIN
                NEW.recherche :=
                    setweight(to_tsvector('fr_relais'::regconfig, NEW.question), 'A') ||
                    setweight(to_tsvector('fr_relais'::regconfig, NEW.reponse), 'B');
                RETURN NEW;
            END $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_dispositif_recherche BEFORE INSERT OR UPDATE OF nom, mots_cles, public_vise, description ON "dispositif"
            FOR EACH ROW EXECUTE FUNCTION dispositif_recherche()
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_document_recherche BEFORE INSERT OR UPDATE OF titre, texte ON "document"
            FOR EACH ROW EXECUTE FUNCTION document_recherche()
        `);
        await queryRunner.query(`
            CREATE TRIGGER trg_reponse_publiee_recherche BEFORE INSERT OR UPDATE OF question, reponse ON "reponse_publiee"
            FOR EACH ROW EXECUTE FUNCTION reponse_publiee_recherche()
        `);
        // Rows already there get their vector (the trigger fires on these columns).
        await queryRunner.query(`UPDATE "dispositif" SET nom = nom`);
        await queryRunner.query(`UPDATE "document" SET titre = titre`);
        await queryRunner.query(`UPDATE "reponse_publiee" SET question = question`);
        await queryRunner.query(`CREATE INDEX "idx_dispositif_recherche" ON "dispositif" USING gin ("recherche")`);
        await queryRunner.query(`CREATE INDEX "idx_document_recherche" ON "document" USING gin ("recherche")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_document_recherche"`);
        await queryRunner.query(`DROP INDEX "public"."idx_dispositif_recherche"`);
        await queryRunner.query(`DROP TRIGGER trg_reponse_publiee_recherche ON "reponse_publiee"`);
        await queryRunner.query(`DROP TRIGGER trg_document_recherche ON "document"`);
        await queryRunner.query(`DROP TRIGGER trg_dispositif_recherche ON "dispositif"`);
        await queryRunner.query(`DROP FUNCTION reponse_publiee_recherche()`);
        await queryRunner.query(`DROP FUNCTION document_recherche()`);
        await queryRunner.query(`DROP FUNCTION dispositif_recherche()`);
        await queryRunner.query(`ALTER TABLE "reponse_publiee" DROP COLUMN "recherche"`);
        await queryRunner.query(`ALTER TABLE "document" DROP COLUMN "recherche"`);
        await queryRunner.query(`ALTER TABLE "dispositif" DROP COLUMN "recherche"`);
    }
}
