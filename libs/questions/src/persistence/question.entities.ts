import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Direction, Dispositif, Maison, Theme, User } from '@app/directory';
import type { Canal, Priorite } from '../domain/question.aggregate';
import { QUESTION_STATUTS, QuestionStatut } from '../domain/question.transitions';

/**
 * The search document of an answered question for the suggestions: the objet's words and one
 * token of the month it was recorded (`_m<year*12+month>`, UTC), so that a recency bound is an
 * index condition. The partial GIN index `idx_question_suggestion` (answered questions only) is
 * built on exactly this expression: a query must repeat it, and the index predicate, to use it.
 */
export const QUESTION_SUGGESTION_TSVECTOR =
  `(to_tsvector('fr_relais'::regconfig, q.objet::text) || array_to_tsvector(ARRAY['_m' || (date_part('year', q.created_at AT TIME ZONE 'UTC') * 12 + date_part('month', q.created_at AT TIME ZONE 'UTC'))::int::text]))`;
export const QUESTION_SUGGESTION_PREDICATE = `q.statut IN ('repondue', 'repondue_localement', 'close') AND q.reponse IS NOT NULL`;

/** The month token of QUESTION_SUGGESTION_TSVECTOR for an instant. */
export function jetonMois(at: Date): string {
  return `_m${at.getUTCFullYear() * 12 + at.getUTCMonth() + 1}`;
}

/** The question row. The list and queue indexes are the ones GET /questions and the référent queue use. */
@Entity({ name: 'question' })
@Index('idx_question_suggestion', { synchronize: false })
@Check('chk_question_statut', `statut IN (${QUESTION_STATUTS.map((s) => `'${s}'`).join(', ')})`)
@Check('chk_question_canal', `canal IN ('guichet', 'telephone', 'email')`)
@Check('chk_question_priorite', `priorite IN ('normale', 'haute')`)
@Index('idx_question_maison_created', ['maisonId', 'createdAt', 'id'])
@Index('idx_question_created', ['createdAt', 'id'])
@Index('idx_question_statut_created', ['statut', 'createdAt', 'id'])
@Index('idx_question_theme_created', ['themeId', 'createdAt', 'id'])
@Index('idx_question_ouverte', ['maisonId', 'directionId', 'referentId', 'createdAt', 'id'], {
  where: `statut IN ('recue', 'escaladee', 'prise_en_charge', 'en_attente_info', 'repondue', 'rouverte')`,
})
@Index('idx_question_dispositif_escaladee', ['dispositifId', 'escaladeeAt'], { where: 'escaladee_at IS NOT NULL' })
/** The retention job's batches (ADR 0023): closed questions not yet anonymised, oldest closing first. */
@Index('idx_question_a_anonymiser', ['closedAt', 'id'], { where: `statut = 'close' AND anonymisee_le IS NULL` })
@Index('idx_question_file', ['directionId', 'escaladeeAt', 'id'], {
  where: `statut IN ('escaladee', 'prise_en_charge', 'en_attente_info')`,
})
/** The questions that went to a direction, for its orphan check (ADR 0014). */
export class QuestionRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 24, unique: true })
  reference: string;

  @Column('uuid')
  maisonId: string;

  @ManyToOne(() => Maison, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  @Column({ type: 'varchar', length: 200 })
  objet: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 16 })
  canal: Canal;

  @Column({ type: 'varchar', length: 16 })
  priorite: Priorite;

  @Index('idx_question_dispositif')
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

  @Column({ type: 'varchar', length: 32 })
  statut: QuestionStatut;

  @Column({ type: 'uuid', nullable: true })
  directionId: string | null;

  @ManyToOne(() => Direction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction | null;

  @Column({ type: 'uuid', nullable: true })
  referentId: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referent_id' })
  referent?: User | null;

  @Column({ type: 'text', nullable: true })
  reponse: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  issue: string | null;

  @Column('uuid')
  createdBy: string;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by' })
  creePar?: User;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  escaladeeAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** When its usager's data and free texts were anonymised (retention or erasure, ADR 0023); written by SQL only. */
  @Column({ type: 'timestamptz', nullable: true, select: false, insert: false, update: false })
  anonymiseeLe: Date | null;

  /** Optimistic concurrency: every save is `UPDATE … WHERE version = <loaded>`. */
  @Column({ type: 'int' })
  version: number;
  /** The timeline's head anchored on the row (ADR 0002): written only by libs/timeline, with the events. */
  @Column({ type: 'int', default: 0, select: false, insert: false, update: false })
  filSeq: number;

  @Column({ type: 'char', length: 64, nullable: true, select: false, insert: false, update: false })
  filHash: string | null;

  @Column({ type: 'char', length: 64, nullable: true, select: false, insert: false, update: false })
  filMac: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true, select: false, insert: false, update: false })
  filCle: string | null;
}

/**
 * The usager's personal data, apart from the question: returned only to the MdR that recorded
 * it and to the référent handling the question; anonymised after the retention period.
 */
@Entity({ name: 'question_usager' })
/** The rights' searches by normalised e-mail and phone (ADR 0023): expression indexes, written in the Rgpd migration. */
@Index('idx_question_usager_email', { synchronize: false })
@Index('idx_question_usager_telephone', { synchronize: false })
export class QuestionUsagerRow {
  @PrimaryColumn('uuid')
  questionId: string;

  @OneToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  @Column({ type: 'varchar', length: 200, nullable: true })
  nom: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  organisation: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  telephone: string | null;

  @Column({ type: 'boolean' })
  consentement: boolean;

  @Column({ type: 'timestamptz' })
  consentiLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  anonymiseLe: Date | null;
}

/**
 * Which direction held the question, from when to when (null direction = the coordination).
 * Référents keep read access to questions their direction held; SLA time is attributed per holder.
 */
@Entity({ name: 'question_detention' })
@Index('idx_question_detention_question', ['questionId', 'depuis'])
@Index('idx_question_detention_direction', ['directionId', 'questionId'])
export class QuestionDetentionRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  @Column({ type: 'uuid', nullable: true })
  directionId: string | null;

  @ManyToOne(() => Direction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction | null;

  @Column({ type: 'timestamptz' })
  depuis: Date;

  @Column({ type: 'timestamptz', nullable: true })
  jusquA: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The directions that hold or held a question, once each, with the question's creation time:
 * what a direction may read, walked in list order by its primary key.
 */
@Entity({ name: 'question_acces_direction' })
export class QuestionAccesDirectionRow {
  @PrimaryColumn('uuid')
  directionId: string;

  @PrimaryColumn({ type: 'timestamptz' })
  questionCreatedAt: Date;

  @PrimaryColumn('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  @ManyToOne(() => Direction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction;
}

/**
 * The usager's tracking links of a question (GET /suivi/{token}). Only the SHA-256 of each token
 * is kept: whoever reads the table cannot open a page. At most one link of a question is
 * active: issuing a new one revokes the previous (a lost receipt is replaced, ADR 0010).
 */
@Entity({ name: 'question_lien_suivi' })
@Index('idx_question_lien_suivi_actif', ['questionId'], { unique: true, where: `revoque_le IS NULL` })
export class QuestionLienSuiviRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  /** Hex SHA-256 of the token; the token itself is never stored. */
  @Index('uq_question_lien_suivi_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  jetonHash: string;

  @Column({ type: 'timestamptz' })
  creeLe: Date;

  @Column('uuid')
  creePar: string;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cree_par' })
  auteur?: User;

  @Column({ type: 'timestamptz', nullable: true })
  revoqueLe: Date | null;
}

/**
 * The register of every act on an usager's data (ADR 0023): the retention job's anonymisations,
 * erasures and access exports. Append-only (trigger). Holds no personal data: the identifier
 * searched for only as a keyed digest, the questions by id.
 */
@Entity({ name: 'rgpd_journal' })
@Check('chk_rgpd_journal_acte', `acte IN ('retention', 'effacement', 'acces')`)
@Index('idx_rgpd_journal_at', ['at', 'id'])
export class RgpdJournalRow {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_rgpd_journal' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'varchar', length: 16 })
  acte: 'retention' | 'effacement' | 'acces';

  /** The administrator; null for the retention job. */
  @Column({ type: 'uuid', nullable: true })
  acteurId: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'acteur_id', foreignKeyConstraintName: 'fk_rgpd_journal_acteur' })
  acteur?: User | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  motif: string | null;

  @Column({ type: 'char', length: 64, nullable: true })
  identifiantEmpreinte: string | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  questions: string[];

  @Column({ type: 'int', default: 0 })
  evenements: number;
}

export const QUESTION_ENTITIES = [QuestionRow, QuestionUsagerRow, QuestionDetentionRow, QuestionAccesDirectionRow, QuestionLienSuiviRow, RgpdJournalRow];
