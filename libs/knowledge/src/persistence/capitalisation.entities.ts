import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Dispositif, Maison, Theme, User } from '@app/directory';
import { QuestionRow } from '@app/questions';

/**
 * The French full-text configuration of Relais: the `french` stemmer behind `unaccent`, so that
 * "hébergement", "hebergements" and "l'hébergement" meet (created by the Capitalisation migration).
 */
export const FTS_CONFIG = 'fr_relais';

/**
 * The search document of a published answer. The GIN index `idx_reponse_publiee_recherche` is
 * built on exactly this expression (a query must repeat it to use the index).
 */
export const REPONSE_PUBLIEE_TSVECTOR =
  `(setweight(to_tsvector('fr_relais'::regconfig, question), 'A') || setweight(to_tsvector('fr_relais'::regconfig, reponse), 'B'))`;

/**
 * A published answer (FAQ entry, "capitalisation"): a question's answer reworded without personal
 * data by the référent who answered it, or by the MdR after closing, for the next agent to reuse
 * at the desk. `retireeLe` withdraws it without losing the reuse history.
 */
@Entity({ name: 'reponse_publiee' })
@Check('chk_reponse_publiee_diffusion', `diffusion IN ('interne', 'externe')`)
@Index('idx_reponse_publiee_dispositif', ['dispositifId', 'publieeLe', 'id'], { where: 'retiree_le IS NULL' })
@Index('idx_reponse_publiee_recherche', { synchronize: false })
export class ReponsePublieeRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  dispositifId: string | null;

  @ManyToOne(() => Dispositif, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dispositif_id' })
  dispositif?: Dispositif | null;

  @Column({ type: 'uuid', nullable: true })
  themeId: string | null;

  @ManyToOne(() => Theme, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'theme_id' })
  theme?: Theme | null;

  /** The question it came from, when published from one (kept if that question is purged). */
  @Index('idx_reponse_publiee_question_source')
  @Column({ type: 'uuid', nullable: true })
  questionSourceId: string | null;

  @ManyToOne(() => QuestionRow, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'question_source_id' })
  questionSource?: QuestionRow | null;

  /** The question, reworded without personal data. */
  @Column({ type: 'varchar', length: 300 })
  question: string;

  @Column({ type: 'text' })
  reponse: string;

  /** `interne`: for Région staff; `externe`: may be handed to the usager as is. */
  @Column({ type: 'varchar', length: 16 })
  diffusion: 'interne' | 'externe';

  @Column('uuid')
  auteurId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_id' })
  auteur?: User;

  @Column({ type: 'timestamptz' })
  publieeLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  modifieeLe: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  retireeLe: Date | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  /** REPONSE_PUBLIEE_TSVECTOR's value, kept by a trigger: ranking reads it instead of recomputing it (ADR 0015). */
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  recherche?: string | null;
}

/**
 * A question answered at the desk by reusing an earlier answer: a published one, or the answer
 * of a similar answered question. One row per question (the reuse rates count them).
 */
@Entity({ name: 'reponse_reutilisee' })
@Check('chk_reponse_reutilisee_source', `(reponse_publiee_id IS NULL) <> (question_source_id IS NULL)`)
@Index('idx_reponse_reutilisee_dispositif', ['dispositifId', 'reutiliseeLe'])
export class ReponseReutiliseeRow {
  @PrimaryColumn('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  @Index('idx_reponse_reutilisee_reponse')
  @Column({ type: 'uuid', nullable: true })
  reponsePublieeId: string | null;

  @ManyToOne(() => ReponsePublieeRow, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'reponse_publiee_id' })
  reponsePubliee?: ReponsePublieeRow | null;

  @Column({ type: 'uuid', nullable: true })
  questionSourceId: string | null;

  @ManyToOne(() => QuestionRow, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'question_source_id' })
  questionSource?: QuestionRow | null;

  /** The reusing question's dispositif, copied for the per-dispositif rates. */
  @Column({ type: 'uuid', nullable: true })
  dispositifId: string | null;

  @ManyToOne(() => Dispositif, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dispositif_id' })
  dispositif?: Dispositif | null;

  @Column('uuid')
  maisonId: string;

  @ManyToOne(() => Maison, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  @Column('uuid')
  auteurId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_id' })
  auteur?: User;

  @Column({ type: 'timestamptz' })
  reutiliseeLe: Date;
}

export const CAPITALISATION_ENTITIES = [ReponsePublieeRow, ReponseReutiliseeRow];
