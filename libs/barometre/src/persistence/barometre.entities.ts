import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { Dispositif, Maison, Theme, User } from '@app/directory';

/** The five weathers of the barometer, from the best to the worst. */
export const METEOS = ['soleil', 'soleil_voile', 'nuageux', 'pluie', 'orage'] as const;
export type Meteo = (typeof METEOS)[number];

/**
 * One "Quel temps fait-il chez vous ?" entry: a remark of an usager recorded at an MdR's desk with
 * a weather, a short comment with no personal data, and optionally its thème or dispositif.
 */
@Entity({ name: 'barometre_releve' })
@Check('chk_barometre_releve_meteo', `meteo IN ('soleil', 'soleil_voile', 'nuageux', 'pluie', 'orage')`)
@Index('idx_barometre_releve_maison', ['maisonId', 'releveLe'])
@Index('idx_barometre_releve_le', ['releveLe'])
export class BarometreReleveRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  maisonId: string;

  @ManyToOne(() => Maison, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  @Column({ type: 'varchar', length: 16 })
  meteo: Meteo;

  /** Short, and checked for e-mail addresses and phone numbers before it is written. */
  @Column({ type: 'varchar', length: 500 })
  commentaire: string;

  @Column({ type: 'uuid', nullable: true })
  themeId: string | null;

  @ManyToOne(() => Theme, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'theme_id' })
  theme?: Theme | null;

  @Column({ type: 'uuid', nullable: true })
  dispositifId: string | null;

  @ManyToOne(() => Dispositif, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dispositif_id' })
  dispositif?: Dispositif | null;

  @Column('uuid')
  auteurId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_id' })
  auteur?: User;

  @Column({ type: 'timestamptz' })
  releveLe: Date;
}

/** The monthly summary an MdR's responsable publishes to the network: one per Maison and month. */
@Entity({ name: 'barometre_synthese' })
@Unique('uq_barometre_synthese_maison_mois', ['maisonId', 'mois'])
@Index('idx_barometre_synthese_mois', ['mois'])
export class BarometreSyntheseRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  maisonId: string;

  @ManyToOne(() => Maison, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  /** 'YYYY-MM'. */
  @Column({ type: 'char', length: 7 })
  mois: string;

  @Column({ type: 'text' })
  texte: string;

  @Column('uuid')
  auteurId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'auteur_id' })
  auteur?: User;

  @Column({ type: 'timestamptz' })
  publieeLe: Date;

  @Column({ type: 'timestamptz', nullable: true })
  modifieeLe: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;
}

/** The barometer's tables (issue 15): "Quel temps fait-il chez vous ?" entries and the monthly summaries. */
export const BAROMETRE_ENTITIES: Function[] = [BarometreReleveRow, BarometreSyntheseRow];
