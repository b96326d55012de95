import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Direction, Dispositif, User } from '@app/directory';
import { CAPITALISATION_ENTITIES } from './capitalisation.entities';
import { INVITATION_ENTITIES } from './invitation.entities';

/**
 * A document of a dispositif, uploaded by its owning direction. The bytes live in the document
 * store (DocumentStorage) under `cle`; the row says what they are. `texte` holds the text
 * extracted from a PDF by the worker, for the search.
 */
@Entity({ name: 'document' })
@Check('chk_document_diffusion', `diffusion IN ('interne', 'externe')`)
@Index('idx_document_dispositif_cree', ['dispositifId', 'creeLe', 'id'])
export class DocumentRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  dispositifId: string;

  @ManyToOne(() => Dispositif, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dispositif_id' })
  dispositif?: Dispositif;

  @Column({ type: 'varchar', length: 200 })
  titre: string;

  /** `interne`: Région staff only; `externe`: may also be shared with a public link. */
  @Column({ type: 'varchar', length: 16 })
  diffusion: 'interne' | 'externe';

  /** The media type found in the bytes (never the name's nor the client's). */
  @Column({ type: 'varchar', length: 120 })
  typeMime: string;

  @Column({ type: 'varchar', length: 10 })
  extension: string;

  @Column({ type: 'bigint' })
  taille: string;

  /** The object's key in the document store. */
  @Index('uq_document_cle', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  cle: string;

  @Column('uuid')
  auteurId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_id' })
  auteur?: User;

  /** The author's unit (the direction that published it): lists show it, not the person. */
  @Column('uuid')
  auteurDirectionId: string;

  @ManyToOne(() => Direction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_direction_id' })
  auteurDirection?: Direction;

  @Column({ type: 'timestamptz' })
  creeLe: Date;

  @Column({ type: 'text', nullable: true })
  texte: string | null;

  /** The search vector: titre, and the first DOCUMENT_TEXTE_INDEXE characters of texte; kept by a trigger (ADR 0015). */
  @Index('idx_document_recherche', { synchronize: false })
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  recherche?: string | null;
}

/**
 * A public share link of an `externe` document (GET /public/documents/{token}). Only the
 * SHA-256 of the token is kept, as for the usager's tracking link (ADR 0010).
 */
@Entity({ name: 'document_lien' })
@Index('idx_document_lien_document', ['documentId'])
export class DocumentLienRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  documentId: string;

  @ManyToOne(() => DocumentRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: DocumentRow;

  /** Hex SHA-256 of the token; the token itself is never stored. */
  @Index('uq_document_lien_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  jetonHash: string;

  @Column('uuid')
  creePar: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cree_par' })
  auteur?: User;

  @Column({ type: 'timestamptz' })
  creeLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expireLe: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revoqueLe: Date | null;

  @Column({ type: 'integer', default: 0 })
  acces: number;

  @Column({ type: 'timestamptz', nullable: true })
  dernierAccesLe: Date | null;
}

export const KNOWLEDGE_ENTITIES = [DocumentRow, DocumentLienRow, ...CAPITALISATION_ENTITIES, ...INVITATION_ENTITIES];
