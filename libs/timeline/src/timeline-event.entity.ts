import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/**
 * One event of one ticket's timeline. Mirrors the Timeline migration constraint by constraint
 * (names included) so that `migration:generate` sees no difference. Rows are written and read
 * with SQL in timeline.store.ts; this class exists for the schema.
 */
@Entity({ name: 'timeline_event' })
@Unique('uq_timeline_event_ticket_seq', ['ticketType', 'ticketId', 'seq'])
@Check('chk_timeline_event_ticket_type', `ticket_type IN ('question', 'commande')`)
@Check('chk_timeline_event_seq', `seq >= 1`)
@Check('chk_timeline_event_visibilite', `visibilite IN ('partage', 'interne')`)
@Check('chk_timeline_event_interne_unite', `visibilite <> 'interne' OR unite_type IS NOT NULL`)
@Check(
  'chk_timeline_event_unite',
  `(unite_type IS NULL AND unite_id IS NULL) OR (unite_type IN ('maison', 'direction') AND unite_id IS NOT NULL) OR (unite_type IN ('cabinet', 'reseau') AND unite_id IS NULL)`,
)
@Check('chk_timeline_event_format', `format IN (1, 2) AND (empreintes IS NULL OR format = 2)`)
@Check('chk_timeline_event_chain', `(seq = 1) = (previous_hash IS NULL)`)
/** A question's answer and its date, for the directory from history (ADR 0014). */
@Index('idx_timeline_event_reponse', ['ticketId', 'at'], { where: `ticket_type = 'question' AND type = 'question.repondue'` })
@Check('chk_timeline_event_acteur', `(acteur_id IS NULL) = (acteur_nom IS NULL) AND (acteur_id IS NULL) = (acteur_role IS NULL)`)
export class TimelineEventEntity {
  /** The domain event id (also the outbox row id). */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_timeline_event' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  ticketType: string;

  @Column('uuid')
  ticketId: string;

  @Column('int')
  seq: number;

  @Column({ type: 'varchar', length: 120 })
  type: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  acteurId: string | null;

  /** The actor's name and role when they acted: the timeline is a record, not a join. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  acteurNom: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  acteurRole: string | null;

  @Column({ type: 'varchar', length: 16 })
  visibilite: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  uniteType: string | null;

  @Column({ type: 'uuid', nullable: true })
  uniteId: string | null;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'char', length: 64 })
  hash: string;

  @Column({ type: 'char', length: 64, nullable: true })
  previousHash: string | null;

  /** Id of the key whose HMAC `hash` is; null for events chained with SHA-256 before the MAC. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  cle: string | null;

  /** 1: the MAC covers `data` as stored; 2: free texts by their keyed digest, so they stay anonymisable (ADR 0023). */
  @Column({ type: 'smallint', default: 1 })
  format: number;

  /** The digests of the free texts anonymised since (format 2), by field; written only by fil_anonymiser_evenement(). */
  @Column({ type: 'jsonb', nullable: true })
  empreintes: Record<string, string> | null;
}
