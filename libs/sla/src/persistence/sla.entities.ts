import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { BusinessCalendarSpec } from '../calendar/business-calendar.types';
import type { ClockEtat } from '../clocks/sla-clock';

/** The clocks of the two flows (DESIGN.md, SLA). */
export const HORLOGES = ['prise_en_charge', 'reponse', 'relais', 'accuse_reception', 'echeance_commande', 'echeance_livrable'] as const;
export type Horloge = (typeof HORLOGES)[number];

/** A target chosen by flow, clock, and optionally priority, direction or thème (most specific wins). */
@Entity({ name: 'sla_politique' })
@Check('chk_sla_politique_cible', 'cible_minutes > 0')
@Check('chk_sla_politique_seuil', 'seuil_pct BETWEEN 1 AND 99')
export class SlaPolitiqueRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  libelle: string;

  @Column({ type: 'varchar', length: 16 })
  flux: 'question' | 'commande';

  @Column({ type: 'varchar', length: 32 })
  horloge: Horloge;

  @Column({ type: 'varchar', length: 16, nullable: true })
  priorite: string | null;

  @Column({ type: 'uuid', nullable: true })
  directionId: string | null;

  @Column({ type: 'uuid', nullable: true })
  themeId: string | null;

  /** Business minutes; fractional values let tests and benchmarks shrink targets to seconds. */
  @Column({ type: 'double precision' })
  cibleMinutes: number;

  @Column({ type: 'int', default: 75 })
  seuilPct: number;

  @Column({ type: 'boolean', default: true })
  actif: boolean;

  /** Each change is a new version; a running clock records the version it started with. */
  @Column({ type: 'int', default: 1 })
  version: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** A business calendar: 'reseau', 'siege', or one MdR's own. */
@Entity({ name: 'sla_calendrier' })
export class SlaCalendrierRow {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'jsonb' })
  spec: BusinessCalendarSpec;

  @Column({ type: 'int', default: 1 })
  version: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** One clock of one ticket (and one assignment for commandes), for one cycle. */
@Entity({ name: 'sla_horloge' })
@Unique('uq_sla_horloge_ticket', ['ticketType', 'ticketId', 'affectationId', 'horloge', 'objet', 'cycle'])
@Index('idx_sla_horloge_ticket', ['ticketType', 'ticketId'])
@Index('idx_sla_horloge_running_due', ['echeance', 'avertissementA', 'avertieA'], { where: `etat = 'running'` })
@Index('idx_sla_horloge_ouverte_ticket', ['ticketType', 'ticketId', 'etat', 'avertissementA'], { where: `etat IN ('running', 'paused', 'breached')` })
@Index('idx_sla_horloge_atteinte', ['atteinteA'], { where: `etat = 'met'` })
@Index('idx_sla_horloge_avertissement_tardif', ['depasseeA'], { where: `etat = 'breached' AND avertissement_a IS NOT NULL AND avertie_a IS NULL` })
@Check('chk_sla_horloge_etat', `etat IN ('running', 'paused', 'met', 'breached', 'cancelled')`)
export class SlaHorlogeRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16 })
  ticketType: 'question' | 'commande';

  @Column('uuid')
  ticketId: string;

  /** The assignment for per-MdR commande clocks; a fixed uuid of zeros otherwise (so the unique key works). */
  @Column('uuid')
  affectationId: string;

  @Column({ type: 'varchar', length: 32 })
  horloge: Horloge;

  /** What the clock is about within its kind: the livrable's id for 'echeance_livrable', '' otherwise. */
  @Column({ type: 'varchar', length: 64, default: '' })
  objet: string;

  /** A reopened question starts a new cycle rather than breaching at once. */
  @Column({ type: 'int', default: 1 })
  cycle: number;

  @Column({ type: 'varchar', length: 16 })
  etat: ClockEtat;

  @Column({ type: 'double precision' })
  cibleMinutes: number;

  @Column({ type: 'int' })
  seuilPct: number;

  @Column({ type: 'uuid', nullable: true })
  politiqueId: string | null;

  @Column({ type: 'int', nullable: true })
  politiqueVersion: number | null;

  /** The calendar of the current holder. */
  @Column({ type: 'varchar', length: 64 })
  calendrierId: string;

  @Column({ type: 'double precision', default: 0 })
  consommeMinutes: number;

  @Column({ type: 'timestamptz', nullable: true })
  segmentDepuis: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  echeance: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  avertissementA: Date | null;

  @Column({ type: 'int', default: 1 })
  generation: number;

  @Column({ type: 'timestamptz' })
  demarreeA: Date;

  @Column({ type: 'timestamptz', nullable: true })
  avertieA: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  depasseeA: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  atteinteA: Date | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** What fired, once: the primary key is the at-most-once guarantee. */
@Entity({ name: 'sla_declenchement' })
export class SlaDeclenchementRow {
  @PrimaryColumn('uuid')
  horlogeId: string;

  @PrimaryColumn({ type: 'int' })
  generation: number;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  type: 'avertissement' | 'depassement';

  @Column({ type: 'timestamptz' })
  at: Date;

  /** How late the fire was after the planned instant, in milliseconds (benchmarks, metrics). */
  @Column({ type: 'int' })
  retardMs: number;
}

/** Business time attributed to each holder of a ticket while a clock ran. */
@Entity({ name: 'sla_detention' })
@Index('idx_sla_detention_horloge', ['horlogeId', 'depuis'])
export class SlaDetentionRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  horlogeId: string;

  @Column({ type: 'varchar', length: 16 })
  detenteurType: 'maison' | 'direction' | 'coordination' | 'cabinet';

  @Column({ type: 'uuid', nullable: true })
  detenteurId: string | null;

  @Column({ type: 'timestamptz' })
  depuis: Date;

  @Column({ type: 'timestamptz', nullable: true })
  jusquA: Date | null;

  @Column({ type: 'double precision', nullable: true })
  minutes: number | null;
}

/**
 * How far the SLA engine has applied a ticket's timeline. Outbox jobs may arrive in any order
 * and concurrently; the engine applies the ticket's events strictly in `seq` order from here.
 */
@Entity({ name: 'sla_curseur' })
export class SlaCurseurRow {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  ticketType: 'question' | 'commande';

  @PrimaryColumn('uuid')
  ticketId: string;

  @Column({ type: 'int' })
  seq: number;
}

export const SLA_ENTITIES = [SlaPolitiqueRow, SlaCalendrierRow, SlaHorlogeRow, SlaDeclenchementRow, SlaDetentionRow, SlaCurseurRow];

/**
 * SQL: is this clock row at risk at instant `now` (a parameter such as '$1')? Running and past
 * its warning instant; a running clock with none left is past it too (SlaClock plans none once
 * the warning was given, or when a resume or reschedule comes after the threshold). One
 * definition for /metrics and the dashboards.
 */
export function horlogeARisqueSql(alias: string, now: string): string {
  const c = alias ? `${alias}.` : '';
  return `(${c}etat = 'running' AND (${c}avertissement_a IS NULL OR ${c}avertissement_a <= ${now}))`;
}
