import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Maison, User } from '@app/directory';

/** The activity areas of the field study's survey, in the order the form shows them. */
export const DOMAINES_AUTONOMIE = ['communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers'] as const;
export type DomaineAutonomie = (typeof DOMAINES_AUTONOMIE)[number];

/** Who answered: the head of an MdR, or a decision maker of the siège (ADR 0021). */
export const GROUPES_AUTONOMIE = ['mdr', 'siege'] as const;
export type GroupeAutonomie = (typeof GROUPES_AUTONOMIE)[number];

/**
 * A wave of the autonomy survey (« Enquête autonomie 2026 »), opened by an admin or a network
 * manager. At most one is open at a time: answering without naming a wave answers the open one.
 */
@Entity({ name: 'enquete_autonomie' })
@Index('uq_enquete_autonomie_ouverte', ['ouverte'], { unique: true, where: 'ouverte' })
export class EnqueteAutonomieRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120 })
  libelle: string;

  @Column({ type: 'boolean', default: true })
  ouverte: boolean;

  @Column('uuid')
  ouverteParId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'ouverte_par_id' })
  ouvertePar?: User;

  @CreateDateColumn({ type: 'timestamptz' })
  ouverteLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  fermeeLe: Date | null;
}

/** One respondent's answer to one wave (updatable: answering again replaces the ratings). */
@Entity({ name: 'reponse_autonomie' })
@Unique('uq_reponse_autonomie_repondant', ['enqueteId', 'repondantId'])
@Check('chk_reponse_autonomie_groupe', `groupe IN ('mdr', 'siege')`)
export class ReponseAutonomieRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  enqueteId: string;

  @ManyToOne(() => EnqueteAutonomieRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enquete_id' })
  enquete?: EnqueteAutonomieRow;

  @Index('idx_reponse_autonomie_repondant')
  @Column('uuid')
  repondantId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'repondant_id' })
  repondant?: User;

  @Column({ type: 'varchar', length: 8 })
  groupe: GroupeAutonomie;

  /** The respondent's MdR when they answered for one. */
  @Column({ type: 'uuid', nullable: true })
  maisonId: string | null;

  @ManyToOne(() => Maison, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}

/** One area's ratings in an answer: current and wished autonomy, 1 (none) to 5 (full). */
@Entity({ name: 'note_autonomie' })
@Check('chk_note_autonomie_actuelle', `actuelle BETWEEN 1 AND 5`)
@Check('chk_note_autonomie_souhaitee', `souhaitee BETWEEN 1 AND 5`)
@Check('chk_note_autonomie_domaine', `domaine IN ('communication', 'evenements', 'partenariats', 'budget', 'reponse_usagers')`)
export class NoteAutonomieRow {
  @PrimaryColumn('uuid')
  reponseId: string;

  @ManyToOne(() => ReponseAutonomieRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reponse_id' })
  reponse?: ReponseAutonomieRow;

  @PrimaryColumn({ type: 'varchar', length: 24 })
  domaine: DomaineAutonomie;

  @Column({ type: 'smallint' })
  actuelle: number;

  @Column({ type: 'smallint' })
  souhaitee: number;
}

/** The autonomy survey's tables (issue 15): respondents' ratings of current and wished autonomy. */
export const AUTONOMIE_ENTITIES: Function[] = [EnqueteAutonomieRow, ReponseAutonomieRow, NoteAutonomieRow];
