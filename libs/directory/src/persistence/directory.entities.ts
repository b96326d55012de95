import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Perimetre, ROLES, Role } from '@app/core';

/** Provenance of reference data: public source, and whether it was confirmed (never show `verifie=false` as official). */
abstract class Sourced {
  @Column({ type: 'text', nullable: true })
  source: string | null;

  @Column({ type: 'boolean', default: false })
  verifie: boolean;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export type MaisonType = 'maison' | 'bureau_territorial';

@Entity({ name: 'maison' })
export class Maison extends Sourced {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stable slug (e.g. `carcassonne`), the seed's natural key. */
  @Column({ type: 'varchar', length: 64, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  nom: string;

  @Column({ type: 'varchar', length: 100 })
  ville: string;

  @Column({ type: 'varchar', length: 3 })
  departementCode: string;

  @Column({ type: 'varchar', length: 100 })
  departementNom: string;

  @Column({ type: 'varchar', length: 24, default: 'maison' })
  type: MaisonType;

  @Column({ type: 'text', nullable: true })
  adresse: string | null;

  @Column({ type: 'text', nullable: true })
  horaires: string | null;
}

export type DirectionType = 'direction' | 'direction_generale' | 'service' | 'agence' | 'fonds' | 'groupement';

@Entity({ name: 'direction' })
export class Direction extends Sourced {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  sigle: string | null;

  @Column({ type: 'varchar', length: 250 })
  nom: string;

  @Column({ type: 'varchar', length: 24 })
  type: DirectionType;

  @Column({ type: 'boolean', default: false })
  historique: boolean;
}

@Entity({ name: 'theme' })
export class Theme {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  libelle: string;

  /** The direction that owns the thème: where a question on the thème without a dispositif goes. */
  @Index()
  @Column({ type: 'uuid', nullable: true })
  directionId: string | null;

  @ManyToOne(() => Direction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction | null;
}

@Entity({ name: 'dispositif' })
export class Dispositif extends Sourced {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 250 })
  nom: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  themeId: string | null;

  @ManyToOne(() => Theme, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'theme_id' })
  theme?: Theme | null;

  /** The owning direction: its référents answer questions on this dispositif. */
  @Index()
  @Column({ type: 'uuid' })
  directionId: string;

  @ManyToOne(() => Direction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction;

  @Column({ type: 'text', nullable: true })
  publicVise: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  motsCles: string[];

  /** A closed scheme, kept so that old questions still name it. */
  @Column({ type: 'boolean', default: false })
  historique: boolean;

  /** The search vector (nom, mots-clés, public visé, description), kept by a trigger (ADR 0015). */
  @Index('idx_dispositif_recherche', { synchronize: false })
  @Column({ type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  recherche?: string | null;
}

@Entity({ name: 'users' })
@Check('chk_users_role', `role IN (${ROLES.map((r) => `'${r}'`).join(', ')})`)
@Check('chk_users_perimetre', `perimetre IN ('maison', 'direction', 'reseau')`)
@Check(
  'chk_users_scope',
  `(perimetre = 'maison' AND maison_id IS NOT NULL AND direction_id IS NULL) OR ` +
    `(perimetre = 'direction' AND direction_id IS NOT NULL AND maison_id IS NULL) OR ` +
    `(perimetre = 'reseau' AND maison_id IS NULL AND direction_id IS NULL)`,
)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case; the login and OIDC identity key. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  fonction: string | null;

  @Column({ type: 'varchar', length: 24 })
  role: Role;

  @Column({ type: 'varchar', length: 16 })
  perimetre: Perimetre;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  maisonId: string | null;

  @ManyToOne(() => Maison, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison | null;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  directionId: string | null;

  @ManyToOne(() => Direction, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  telephone: string | null;

  @Column({ type: 'boolean', default: true })
  actif: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A user who answers, for one direction, the questions on some thèmes and dispositifs. */
@Entity({ name: 'referent' })
export class Referent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', unique: true })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index()
  @Column({ type: 'uuid' })
  directionId: string;

  @ManyToOne(() => Direction, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'direction_id' })
  direction?: Direction;

  @ManyToMany(() => Dispositif)
  @JoinTable({
    name: 'referent_dispositif',
    joinColumn: { name: 'referent_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'dispositif_id', referencedColumnName: 'id' },
  })
  dispositifs?: Dispositif[];

  @ManyToMany(() => Theme)
  @JoinTable({
    name: 'referent_theme',
    joinColumn: { name: 'referent_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'theme_id', referencedColumnName: 'id' },
  })
  themes?: Theme[];
}

/** An MdR that follows a thème for the whole network, correspondent of the owning direction. */
@Entity({ name: 'specialisation' })
@Unique('uq_specialisation_maison_theme', ['maisonId', 'themeId'])
export class Specialisation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  maisonId: string;

  @ManyToOne(() => Maison, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'maison_id' })
  maison?: Maison;

  @Index()
  @Column({ type: 'uuid' })
  themeId: string;

  @ManyToOne(() => Theme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'theme_id' })
  theme?: Theme;
}

export const DIRECTORY_ENTITIES = [Maison, Direction, Theme, Dispositif, User, Referent, Specialisation];
