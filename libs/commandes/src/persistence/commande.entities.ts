import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Direction, Maison, Theme, User } from '@app/directory';
import { AFFECTATION_STATUTS, AffectationStatut, COMMANDE_STATUTS, CommandeStatut } from '../domain/commande.transitions';

const enumCheck = (column: string, values: readonly string[]) => `${column} IN (${values.map((s) => `'${s}'`).join(', ')})`;

/** A deliverable as stored in `commande.livrables` (dates as ISO strings). */
export interface LivrableJson {
  id: string;
  libelle: string;
  echeance: string | null;
}

export interface ContactJson {
  nom: string | null;
  role: string | null;
  email: string | null;
  telephone: string | null;
}

/**
 * The commande row: its brief and where it stands. Lists walk `idx_commande_emetteur_created`
 * (an issuing unit's commandes, drafts included), `idx_commande_statut_created` (?statut=) and
 * `idx_commande_created` (network managers).
 */
@Entity({ name: 'commande' })
@Check('chk_commande_statut', enumCheck('statut', COMMANDE_STATUTS))
@Check(
  'chk_commande_emetteur_unite',
  `(emetteur_unite_type = 'cabinet' AND emetteur_unite_id IS NULL) OR (emetteur_unite_type = 'direction' AND emetteur_unite_id IS NOT NULL)`,
)
@Check('chk_commande_materiel', `materiel IS NULL OR jsonb_typeof(materiel) = 'array' OR materiel = '"aucun"'::jsonb`)
@Check('chk_commande_livrables', `jsonb_typeof(livrables) = 'array'`)
@Check('chk_commande_contacts', `jsonb_typeof(contacts) = 'array'`)
@Check('chk_commande_budget', `budget IS NULL OR budget >= 0`)
@Index('idx_commande_emetteur_created', ['emetteurUniteType', 'emetteurUniteId', 'createdAt', 'id'])
@Index('idx_commande_statut_created', ['statut', 'createdAt', 'id'])
@Index('idx_commande_created', ['createdAt', 'id'])
export class CommandeRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 24, unique: true })
  reference: string;

  @Column({ type: 'varchar', length: 16 })
  statut: CommandeStatut;

  @Column({ type: 'varchar', length: 200, nullable: true })
  titre: string | null;

  @Column({ type: 'text', nullable: true })
  objectif: string | null;

  @Column({ type: 'text', nullable: true })
  contexte: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  echeance: Date | null;

  /** [{id, libelle, echeance}]: ids are stable, MdRs tick deliverables by id. */
  @Column({ type: 'jsonb' })
  livrables: LivrableJson[];

  /** A list of strings, or the JSON string "aucun"; null while the issuer has not said. */
  @Column({ type: 'jsonb', nullable: true })
  materiel: string[] | 'aucun' | null;

  /** [{nom, role, email, telephone}]: staff contacts, never copied to the timeline. */
  @Column({ type: 'jsonb' })
  contacts: ContactJson[];

  /** The targeted MdRs as the brief lists them; once issued, the assignments are the truth. */
  @Column({ type: 'uuid', array: true })
  maisonIds: string[];

  @Column({ type: 'uuid', nullable: true })
  themeId: string | null;

  @ManyToOne(() => Theme, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'theme_id' })
  theme?: Theme | null;

  /** Euros. */
  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  budget: string | null;

  @Column({ type: 'boolean' })
  urgent: boolean;

  @Column({ type: 'text', nullable: true })
  justificationUrgence: string | null;

  @Column('uuid')
  emetteurId: string;

  @ManyToOne(() => User, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'emetteur_id' })
  emetteur?: User;

  @Column({ type: 'varchar', length: 16 })
  emetteurUniteType: 'cabinet' | 'direction';

  @Column({ type: 'uuid', nullable: true })
  emetteurUniteId: string | null;

  @ManyToOne(() => Direction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'emetteur_unite_id' })
  emetteurDirection?: Direction | null;

  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  emiseAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closeAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  annuleeAt: Date | null;

  @Column({ type: 'text', nullable: true })
  motifAnnulation: string | null;

  /** Optimistic concurrency of the brief and the commande's state (not of its assignments). */
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
 * One targeted MdR's assignment, with its own version so that MdRs never invalidate each
 * other's If-Match. `idx_affectation_maison_created` serves an MdR's received commandes.
 */
@Entity({ name: 'affectation' })
@Unique('uq_affectation_commande_maison', ['commandeId', 'maisonId'])
@Check('chk_affectation_statut', enumCheck('statut', AFFECTATION_STATUTS))
@Check(
  'chk_affectation_clarification',
  `(statut = 'clarification_demandee') = (statut_avant_clarification IS NOT NULL)`,
)
@Check('chk_affectation_pourcentage', `pourcentage BETWEEN 0 AND 100`)
@Index('idx_affectation_maison_created', ['maisonId', 'createdAt', 'commandeId'])
export class AffectationRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  commandeId: string;

  @ManyToOne(() => CommandeRow, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'commande_id' })
  commande?: CommandeRow;

  @Column('uuid')
  maisonId: string;

  @ManyToOne(() => Maison, { nullable: false, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  @Column({ type: 'varchar', length: 32 })
  statut: AffectationStatut;

  @Column({ type: 'varchar', length: 32, nullable: true })
  statutAvantClarification: AffectationStatut | null;

  @Column({ type: 'smallint' })
  pourcentage: number;

  @Column({ type: 'uuid', array: true })
  livrablesFaits: string[];

  @Column({ type: 'text', nullable: true })
  livraisonNote: string | null;

  @Column({ type: 'text', array: true })
  livraisonLiens: string[];

  @Column({ type: 'text', nullable: true })
  motifRenvoi: string | null;

  /** When the commande was issued. */
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  accuseeAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  livreeAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  valideeAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  annuleeAt: Date | null;

  @Column({ type: 'int' })
  version: number;
}

export const COMMANDE_ENTITIES = [CommandeRow, AffectationRow];
