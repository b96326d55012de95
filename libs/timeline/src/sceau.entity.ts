import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A daily seal of every ticket head that changed since the previous one (ADR 0002). Mirrors the FilScelle migration. */
@Entity({ name: 'sceau' })
@Unique('uq_sceau_jour', ['jour'])
export class SceauEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint', primaryKeyConstraintName: 'pk_sceau' })
  id: string;

  /** The day sealed (Europe/Paris): one seal per day. */
  @Column({ type: 'date' })
  jour: string;

  @Column({ type: 'timestamptz' })
  scelleA: Date;

  @Column('int')
  tickets: number;

  @Column('bigint')
  evenements: string;

  /** SHA-256 over the sealed heads, in (ticket_type, ticket_id) order. */
  @Column({ type: 'char', length: 64 })
  digest: string;

  /** The previous seal's MAC: seals form a chain too. */
  @Column({ type: 'char', length: 64, nullable: true })
  precedentMac: string | null;

  @Column({ type: 'char', length: 64 })
  mac: string;

  @Column({ type: 'varchar', length: 32 })
  cle: string;
}

/** One head recorded by a seal. */
@Entity({ name: 'sceau_tete' })
@Index('idx_sceau_tete_sceau', ['sceauId', 'ticketType', 'ticketId'])
export class SceauTeteEntity {
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName: 'pk_sceau_tete' })
  ticketType: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_sceau_tete' })
  ticketId: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_sceau_tete' })
  sceauId: string;

  @Column('int')
  seq: number;

  @Column({ type: 'char', length: 64 })
  hash: string;

  @Column({ type: 'char', length: 64 })
  mac: string;
}
