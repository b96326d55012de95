import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, appendToOutbox, AuthContext, Clock, DomainError, FieldError, ForbiddenError, NotFoundError, safeError, ValidationFailedError } from '@app/core';
import {
  contentDisposition,
  Diffusion,
  DIFFUSIONS,
  ECHANTILLON_TYPE,
  hashJetonDocument,
  JETON_DOCUMENT,
  nouveauJetonDocument,
  TYPES_ACCEPTES,
} from './domain/document';
import { DocumentStorage, nouvelleCleDocument } from './storage/document-storage';
import { DOCUMENT_DEPOSE } from './texte/document-texte.consumer';

/** One part of a multipart body, as @fastify/multipart yields it (the lib does not depend on Fastify). */
export interface UploadPart {
  type: 'file' | 'field';
  fieldname: string;
  value?: unknown;
  file?: Readable;
}

export interface DocumentView {
  id: string;
  dispositifId: string;
  titre: string;
  diffusion: Diffusion;
  type: string;
  extension: string;
  taille: number;
  creeLe: Date;
  auteur: { directionId: string; direction: string };
}

export interface LienDocumentCree {
  id: string;
  url: string;
  token: string;
  expireLe: Date | null;
}

export interface ContenuDocument {
  stream: Readable;
  type: string;
  taille: number;
  disposition: string;
}

// file-type is ESM-only and typed for Node16 resolution: required (Node ≥ 20.19 loads ESM so)
// with the one function used typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fileTypeFromBuffer } = require('file-type') as {
  fileTypeFromBuffer(buffer: Uint8Array): Promise<{ ext: string; mime: string } | undefined>;
};

export class FichierTropVolumineuxError extends DomainError {
  constructor(maxMo: number) {
    super('FICHIER_TROP_VOLUMINEUX', 'payload_too_large', `Le fichier dépasse la taille maximale de ${maxMo} Mo.`, {
      errors: [{ field: 'fichier', message: `Le fichier ne doit pas dépasser ${maxMo} Mo.` }],
    });
  }
}

export class TypeDeFichierRefuseError extends DomainError {
  constructor() {
    super('TYPE_DE_FICHIER_REFUSE', 'unsupported_media_type', 'Ce type de fichier n’est pas accepté.', {
      errors: [{ field: 'fichier', message: 'Le fichier doit être un PDF, un document bureautique (docx, xlsx, pptx, odt) ou une image PNG ou JPEG : son contenu ne correspond à aucun de ces types.' }],
    });
  }
}

export class DocumentInterneError extends DomainError {
  constructor() {
    super('DOCUMENT_INTERNE', 'unprocessable', 'Un document de diffusion interne ne peut pas être partagé par un lien public.', {
      errors: [{ field: 'diffusion', message: 'Seul un document de diffusion externe peut recevoir un lien de partage.' }],
    });
  }
}

const DOCUMENT_INTROUVABLE = 'Document introuvable.';

/**
 * Documents of the dispositifs and their share links. The owning direction's référents and
 * managers (and admins) publish; every authenticated user reads; anyone holding a live link
 * of an `externe` document downloads it.
 */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: DocumentStorage,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** May the caller publish documents (and links) for this direction's dispositifs? */
  static peutPublier(ctx: AuthContext, directionId: string): boolean {
    if (ctx.role === 'admin') return true;
    return (ctx.role === 'referent' || ctx.role === 'manager') && ctx.perimetre === 'direction' && ctx.directionId === directionId;
  }

  private async dispositif(id: string): Promise<{ id: string; directionId: string }> {
    const [row] = await this.dataSource.query(`SELECT id, direction_id FROM dispositif WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('Dispositif introuvable.');
    return { id: row.id, directionId: row.direction_id };
  }

  /** Checks the caller may publish for the dispositif, before a byte of the body is read. */
  async verifierDepot(ctx: AuthContext, dispositifId: string): Promise<void> {
    const dispositif = await this.dispositif(dispositifId);
    if (!DocumentsService.peutPublier(ctx, dispositif.directionId)) throw new ForbiddenError('Seule la direction qui porte ce dispositif peut y déposer des documents.');
  }

  /**
   * Stores the uploaded file while it arrives, then records the row. All or nothing: a refused
   * or failed upload leaves no row and no stored object.
   */
  async deposer(ctx: AuthContext, dispositifId: string, parts: AsyncIterable<UploadPart>): Promise<DocumentView> {
    const dispositif = await this.dispositif(dispositifId);
    if (!DocumentsService.peutPublier(ctx, dispositif.directionId)) throw new ForbiddenError('Seule la direction qui porte ce dispositif peut y déposer des documents.');
    const id = randomUUID();
    const cle = nouvelleCleDocument(id);
    let stored: { taille: number; mime: string; extension: string } | null = null;
    const fields: Record<string, string> = {};
    const errors: FieldError[] = [];
    try {
      for await (const part of parts) {
        if (part.type === 'file') {
          if (part.fieldname !== 'fichier' || stored) {
            errors.push({ field: part.fieldname === 'fichier' ? 'fichier' : part.fieldname, message: part.fieldname === 'fichier' ? 'Un seul fichier par dépôt.' : 'Champ inconnu : le fichier va dans « fichier ».' });
            await drain(part.file!);
            continue;
          }
          const { head, rest } = await sample(part.file!, ECHANTILLON_TYPE);
          const type = head.length ? await fileTypeFromBuffer(head) : undefined;
          const extension = type ? TYPES_ACCEPTES[type.mime] : undefined;
          if (!type || !extension) {
            await drain(rest);
            throw new TypeDeFichierRefuseError();
          }
          const { taille } = await this.storage.put(cle, rest);
          stored = { taille, mime: type.mime, extension };
        } else if (part.fieldname === 'titre' || part.fieldname === 'diffusion') {
          if (part.fieldname in fields) errors.push({ field: part.fieldname, message: `Un seul champ « ${part.fieldname} ».` });
          fields[part.fieldname] = typeof part.value === 'string' ? part.value : '';
        } else {
          errors.push({ field: part.fieldname.slice(0, 60), message: 'Champ inconnu.' });
        }
      }
      const titre = (fields.titre ?? '').trim();
      if (!titre) errors.push({ field: 'titre', message: 'Donnez un titre au document.' });
      else if (titre.length > 200) errors.push({ field: 'titre', message: 'Le titre ne doit pas dépasser 200 caractères.' });
      else if (/[\u0000-\u001f\u007f\ud800-\udfff]/.test(titre)) errors.push({ field: 'titre', message: 'Le titre contient des caractères non autorisés.' });
      if (!DIFFUSIONS.includes(fields.diffusion as Diffusion)) errors.push({ field: 'diffusion', message: 'diffusion doit valoir « interne » ou « externe ».' });
      if (!stored && !errors.some((e) => e.field === 'fichier')) errors.push({ field: 'fichier', message: 'Joignez le fichier du document.' });
      if (errors.length) throw new ValidationFailedError(errors);
      const now = this.clock.now();
      const [auteur] = await this.dataSource.query(`SELECT d.id, d.nom FROM direction d WHERE d.id = $1`, [ctx.directionId ?? dispositif.directionId]);
      // The row and its event together: the worker extracts a PDF's text from the event (never in the request).
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO document (id, dispositif_id, titre, diffusion, type_mime, extension, taille, cle, auteur_id, auteur_direction_id, cree_le)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [id, dispositifId, titre, fields.diffusion, stored!.mime, stored!.extension, stored!.taille, cle, ctx.userId, auteur.id, now],
        );
        await appendToOutbox(manager, [
          { id: randomUUID(), type: DOCUMENT_DEPOSE, aggregateType: 'document', aggregateId: id, payload: { dispositifId, type: stored!.mime }, occurredAt: now },
        ]);
      });
      return {
        id,
        dispositifId,
        titre,
        diffusion: fields.diffusion as Diffusion,
        type: stored!.mime,
        extension: stored!.extension,
        taille: stored!.taille,
        creeLe: now,
        auteur: { directionId: auteur.id, direction: auteur.nom },
      };
    } catch (error) {
      if (stored) await this.storage.delete(cle);
      throw this.uploadError(error);
    }
  }

  /** The multipart parser's own refusals, in the API's words; anything else is a server fault. */
  private uploadError(error: unknown): unknown {
    if (error instanceof DomainError) return error;
    const { code, statusCode, message } = (error ?? {}) as { code?: string; statusCode?: number; message?: string };
    if (code === 'FST_REQ_FILE_TOO_LARGE') return new FichierTropVolumineuxError(this.config.DOCUMENT_TAILLE_MAX_MO);
    if (code === 'FST_FILES_LIMIT') return new ValidationFailedError([{ field: 'fichier', message: 'Un seul fichier par dépôt.' }]);
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') return new ValidationFailedError([{ field: 'corps', message: 'Trop de champs : titre, diffusion et fichier seulement.' }]);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new DomainError('CORPS_INVALIDE', 'unsupported_media_type', 'Envoyez le document en multipart/form-data.');
    if ((typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) || /multipart|boundary|malformed|unexpected end/i.test(message ?? '')) {
      return new DomainError('CORPS_INVALIDE', 'invalid_input', 'Le corps multipart de la requête est malformé.');
    }
    return error;
  }

  async lister(ctx: AuthContext, dispositifId: string): Promise<{ items: DocumentView[]; peutDeposer: boolean }> {
    const dispositif = await this.dispositif(dispositifId);
    const rows = await this.dataSource.query(
      `SELECT d.id, d.dispositif_id, d.titre, d.diffusion, d.type_mime, d.extension, d.taille, d.cree_le, d.auteur_direction_id, dir.nom AS direction
         FROM document d JOIN direction dir ON dir.id = d.auteur_direction_id
        WHERE d.dispositif_id = $1
        ORDER BY d.cree_le DESC, d.id`,
      [dispositifId],
    );
    return { items: rows.map(view), peutDeposer: DocumentsService.peutPublier(ctx, dispositif.directionId) };
  }

  async contenu(_ctx: AuthContext, documentId: string): Promise<ContenuDocument> {
    // Every authenticated role reads every document (MdR agents included): interne means inside the Région, not inside the direction.
    const [row] = await this.dataSource.query(`SELECT titre, type_mime, extension, taille, cle FROM document WHERE id = $1`, [documentId]);
    if (!row) throw new NotFoundError(DOCUMENT_INTROUVABLE);
    return this.ouvrir(row, false);
  }

  private async ouvrir(row: { titre: string; type_mime: string; extension: string; taille: string; cle: string }, inline: boolean): Promise<ContenuDocument> {
    const stream = await this.storage.get(row.cle);
    if (!stream) throw new NotFoundError(DOCUMENT_INTROUVABLE);
    return { stream, type: row.type_mime, taille: Number(row.taille), disposition: contentDisposition(row.titre, row.extension, inline) };
  }

  async creerLien(ctx: AuthContext, documentId: string, expireLe: Date | undefined, origin: string): Promise<LienDocumentCree> {
    const [doc] = await this.dataSource.query(
      `SELECT d.id, d.diffusion, p.direction_id FROM document d JOIN dispositif p ON p.id = d.dispositif_id WHERE d.id = $1`,
      [documentId],
    );
    if (!doc) throw new NotFoundError(DOCUMENT_INTROUVABLE);
    if (!DocumentsService.peutPublier(ctx, doc.direction_id)) throw new ForbiddenError('Seule la direction qui porte ce dispositif peut partager ses documents.');
    if (doc.diffusion !== 'externe') throw new DocumentInterneError();
    const now = this.clock.now();
    if (expireLe && expireLe.getTime() <= now.getTime()) throw new ValidationFailedError([{ field: 'expireLe', message: 'La date d’expiration doit être dans le futur.' }]);
    const { jeton, hash } = nouveauJetonDocument();
    const id = randomUUID();
    await this.dataSource.query(
      `INSERT INTO document_lien (id, document_id, jeton_hash, cree_par, cree_le, expire_le) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, documentId, hash, ctx.userId, now, expireLe ?? null],
    );
    return { id, url: `${origin.replace(/\/+$/, '')}/public/documents/${jeton}`, token: jeton, expireLe: expireLe ?? null };
  }

  /**
   * Deletes a document: the row and its share links (cascade) in one statement, then the bytes.
   * The row goes first: a failure to remove the bytes leaves an orphan object (logged, by id
   * only), never a row pointing at nothing. A second delete finds no row: 404.
   */
  async supprimer(ctx: AuthContext, documentId: string): Promise<void> {
    const [doc] = await this.dataSource.query(
      `SELECT d.id, d.cle, p.direction_id FROM document d JOIN dispositif p ON p.id = d.dispositif_id WHERE d.id = $1`,
      [documentId],
    );
    if (!doc) throw new NotFoundError(DOCUMENT_INTROUVABLE);
    if (!DocumentsService.peutPublier(ctx, doc.direction_id)) throw new ForbiddenError('Seule la direction qui porte ce dispositif peut supprimer ses documents.');
    // The row count (TypeORM answers [rows, count] to a DELETE): of two concurrent deletes, only
    // the one that removed the row answers 204.
    const [, count] = await this.dataSource.query(`DELETE FROM document WHERE id = $1`, [documentId]);
    if (!count) throw new NotFoundError(DOCUMENT_INTROUVABLE);
    try {
      await this.storage.delete(doc.cle);
    } catch (error) {
      this.logger.warn({ document: documentId, err: safeError(error) }, 'Document supprimé, mais son fichier est resté dans le stockage (orphelin)');
    }
  }

  /** Revokes a link; revoking a revoked link changes nothing (a retry is harmless). */
  async revoquerLien(ctx: AuthContext, lienId: string): Promise<void> {
    const [lien] = await this.dataSource.query(
      `SELECT l.id, p.direction_id FROM document_lien l JOIN document d ON d.id = l.document_id JOIN dispositif p ON p.id = d.dispositif_id WHERE l.id = $1`,
      [lienId],
    );
    if (!lien) throw new NotFoundError('Lien introuvable.');
    if (!DocumentsService.peutPublier(ctx, lien.direction_id)) throw new ForbiddenError('Seule la direction qui porte ce dispositif peut révoquer ses liens.');
    await this.dataSource.query(`UPDATE document_lien SET revoque_le = $2 WHERE id = $1 AND revoque_le IS NULL`, [lienId, this.clock.now()]);
  }

  /**
   * The document a share token opens, counted in the same statement that checks the link (no
   * lost count under concurrent downloads); null for a wrong, revoked or expired token, alike.
   */
  async ouvrirPublic(jeton: string): Promise<ContenuDocument | null> {
    if (!JETON_DOCUMENT.test(jeton)) return null;
    const now = this.clock.now();
    const [row] = await this.dataSource.query(
      `WITH lien AS (
         UPDATE document_lien SET acces = acces + 1, dernier_acces_le = $2
          WHERE jeton_hash = $1 AND revoque_le IS NULL AND (expire_le IS NULL OR expire_le > $2)
          RETURNING document_id)
       SELECT d.titre, d.type_mime, d.extension, d.taille, d.cle
         FROM lien JOIN document d ON d.id = lien.document_id
        WHERE d.diffusion = 'externe'`,
      [hashJetonDocument(jeton), now],
    );
    if (!row) return null;
    try {
      return await this.ouvrir(row, true);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}

function view(row: Record<string, any>): DocumentView {
  return {
    id: row.id,
    dispositifId: row.dispositif_id,
    titre: row.titre,
    diffusion: row.diffusion,
    type: row.type_mime,
    extension: row.extension,
    taille: Number(row.taille),
    creeLe: new Date(row.cree_le),
    auteur: { directionId: row.auteur_direction_id, direction: row.direction },
  };
}

/** The first `size` bytes (or all, if fewer), and a stream of every byte, those first ones included. */
async function sample(source: Readable, size: number): Promise<{ head: Buffer; rest: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    yield head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: head.subarray(0, size), rest: Readable.from(all(), { objectMode: false }) };
}

/** Reads a refused file to its end (the parser waits for it), keeping nothing. */
async function drain(stream: Readable): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for await (const _ of stream);
}
