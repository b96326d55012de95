import { MigrationInterface, QueryRunner } from 'typeorm';

/** Documents of the dispositifs (bytes in the document store) and their public share links, token hashes only (issue 14). */
export class Documents1795652000000 implements MigrationInterface {
    name = 'Documents1795652000000';

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "document" (
                "id" uuid NOT NULL,
                "dispositif_id" uuid NOT NULL,
                "titre" character varying(200) NOT NULL,
                "diffusion" character varying(16) NOT NULL,
                "type_mime" character varying(120) NOT NULL,
                "extension" character varying(10) NOT NULL,
                "taille" bigint NOT NULL,
                "cle" character varying(200) NOT NULL,
                "auteur_id" uuid NOT NULL,
                "auteur_direction_id" uuid NOT NULL,
                "cree_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "texte" text,
                CONSTRAINT "chk_document_diffusion" CHECK (diffusion IN ('interne', 'externe')),
                CONSTRAINT "PK_e57d3357f83f3cdc0acffc3d777" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_document_cle" ON "document" ("cle")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_document_dispositif_cree" ON "document" ("dispositif_id", "cree_le", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "document_lien" (
                "id" uuid NOT NULL,
                "document_id" uuid NOT NULL,
                "jeton_hash" character(64) NOT NULL,
                "cree_par" uuid NOT NULL,
                "cree_le" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expire_le" TIMESTAMP WITH TIME ZONE,
                "revoque_le" TIMESTAMP WITH TIME ZONE,
                "acces" integer NOT NULL DEFAULT '0',
                "dernier_acces_le" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_e3d6590914bb43817db78ade9ea" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_document_lien_hash" ON "document_lien" ("jeton_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "idx_document_lien_document" ON "document_lien" ("document_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "document"
            ADD CONSTRAINT "FK_3959a51bc6d4dc4475c1102fffb" FOREIGN KEY ("dispositif_id") REFERENCES "dispositif"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "document"
            ADD CONSTRAINT "FK_437c5a42a61e4b748c6c9d9bf9d" FOREIGN KEY ("auteur_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "document"
            ADD CONSTRAINT "FK_e6fe6a9a3c4c4bb911ca62c169a" FOREIGN KEY ("auteur_direction_id") REFERENCES "direction"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "document_lien"
            ADD CONSTRAINT "FK_d3c7f75c30b5e146cec7b65cde1" FOREIGN KEY ("document_id") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "document_lien"
            ADD CONSTRAINT "FK_6ae30e0f53506047dd3372816a5" FOREIGN KEY ("cree_par") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "document_lien" DROP CONSTRAINT "FK_6ae30e0f53506047dd3372816a5"
        `);
        await queryRunner.query(`
            ALTER TABLE "document_lien" DROP CONSTRAINT "FK_d3c7f75c30b5e146cec7b65cde1"
        `);
        await queryRunner.query(`
            ALTER TABLE "document" DROP CONSTRAINT "FK_e6fe6a9a3c4c4bb911ca62c169a"
        `);
        await queryRunner.query(`
            ALTER TABLE "document" DROP CONSTRAINT "FK_437c5a42a61e4b748c6c9d9bf9d"
        `);
        await queryRunner.query(`
            ALTER TABLE "document" DROP CONSTRAINT "FK_3959a51bc6d4dc4475c1102fffb"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_document_lien_document"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_document_lien_hash"
        `);
        await queryRunner.query(`
            DROP TABLE "document_lien"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."idx_document_dispositif_cree"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_document_cle"
        `);
        await queryRunner.query(`
            DROP TABLE "document"
        `);
    }
}
