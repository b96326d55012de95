import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Direction, Dispositif, User } from '@app/directory';
import { QuestionRow } from '@app/questions';
import { ReponsePublieeRow } from './capitalisation.entities';

export const INVITATION_RESOLUTIONS = ['publiee', 'ignoree'] as const;
export type InvitationResolution = (typeof INVITATION_RESOLUTIONS)[number];

/**
 * An « invitation à capitaliser » (ADR 0017): enough similar escalations on one dispositif that
 * its direction's référents are prompted to publish a FAQ entry. Open until a matching answer is
 * published (`publiee`) or a référent dismisses it (`ignoree`).
 */
@Entity({ name: 'capitalisation_invitation' })
@Check('chk_capitalisation_invitation_resolution', `resolution IS NULL OR resolution IN ('publiee', 'ignoree')`)
@Index('idx_capitalisation_invitation_ouverte', ['directionId', 'creeeLe', 'id'], { where: 'resolue_le IS NULL' })
@Index('idx_capitalisation_invitation_dispositif', ['dispositifId', 'creeeLe'])
export class CapitalisationInvitationRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  dispositifId: string;

  @ManyToOne(() => Dispositif, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dispositif_id' })
  dispositif?: Dispositif;

  /** The dispositif's direction when the prompt was made: its référents are prompted. */
  @Column('uuid')
  directionId: string;

  @ManyToOne(() => Direction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction;

  /** The latest escalation of the group: its fil carries the prompt, the notification links to it. */
  @Column('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  /** The id of the timeline event and of its outbox row. */
  @Column({ type: 'uuid', unique: true })
  evenementId: string;

  @Column({ type: 'timestamptz' })
  creeeLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolueLe: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resolution: InvitationResolution | null;

  @Column({ type: 'uuid', nullable: true })
  reponsePublieeId: string | null;

  @ManyToOne(() => ReponsePublieeRow, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reponse_publiee_id' })
  reponsePubliee?: ReponsePublieeRow | null;

  /** Who dismissed it (null when resolved by a publication). */
  @Column({ type: 'uuid', nullable: true })
  resoluePar: string | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resolue_par' })
  resolueParUser?: User | null;

  @Column({ type: 'int', default: 1 })
  version: number;
}

/**
 * The escalations an invitation groups. A question belongs to one invitation at most (the
 * primary key): two workers handling two similar escalations at once cannot both prompt for the
 * same group, whatever the locks (the second insert fails and its event is retried).
 */
@Entity({ name: 'capitalisation_invitation_question' })
export class CapitalisationInvitationQuestionRow {
  @PrimaryColumn('uuid')
  questionId: string;

  @ManyToOne(() => QuestionRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: QuestionRow;

  @Index('idx_capitalisation_invitation_question_invitation')
  @Column('uuid')
  invitationId: string;

  @ManyToOne(() => CapitalisationInvitationRow, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invitation_id' })
  invitation?: CapitalisationInvitationRow;

  @Column({ type: 'timestamptz' })
  ajouteeLe: Date;
}

export const INVITATION_ENTITIES = [CapitalisationInvitationRow, CapitalisationInvitationQuestionRow];
