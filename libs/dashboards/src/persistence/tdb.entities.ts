import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { COLONNES_CLASSES } from '../histogram';

/**
 * What the daily and monthly levels of the roll-up count, per key: clocks met, how many on
 * time, their business minutes and who held them. Columns of each level's table (no table of its own).
 */
export abstract class TdbSlaCumuls {
  /** Clocks met that day, or month (late or not). */
  @Column({ type: 'int' })
  termines: number;

  /** Of those, met before their due time (never breached). */
  @Column({ type: 'int' })
  aTemps: number;

  /** Business minutes the met clocks ran (pauses excluded). */
  @Column({ type: 'double precision' })
  minutesSomme: number;

  @Column({ type: 'double precision' })
  minutesMax: number;

  /** Business minutes held, by holder: the MdR, the siège, waiting on the usager, waiting on the Cabinet. */
  @Column({ type: 'double precision', default: 0 })
  minutesMaison: number;

  @Column({ type: 'double precision', default: 0 })
  minutesSiege: number;

  @Column({ type: 'double precision', default: 0 })
  minutesUsager: number;

  @Column({ type: 'double precision', default: 0 })
  minutesCabinet: number;
}

/**
 * The SLA dashboard's read model (ADR 0007): per local day (Europe/Paris) on which clocks ended,
 * per flux, clock kind, MdR, direction and référent, what ended and how. Rebuilt day by day by
 * the worker from sla_horloge; never written by a request.
 */
@Entity({ name: 'tdb_sla_jour' })
@Index('idx_tdb_sla_jour_direction', ['flux', 'directionId', 'jour'])
@Index('idx_tdb_sla_jour_maison', ['flux', 'maisonId', 'jour'])
@Index('idx_tdb_sla_jour_referent', ['flux', 'referentId', 'jour'])
export class TdbSlaJourRow extends TdbSlaCumuls {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  flux: 'question' | 'commande';

  @PrimaryColumn({ type: 'date' })
  jour: string;

  @PrimaryColumn('uuid')
  maisonId: string;

  /** The direction that held the question, or issued the commande; zeros for none (the coordination, the Cabinet). */
  @PrimaryColumn('uuid')
  directionId: string;

  /** The référent who took the question; zeros for none. */
  @PrimaryColumn('uuid')
  referentId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  horloge: string;
}

/**
 * The monthly level of the same roll-up (ADR 0025): tdb_sla_jour's rows summed per local month
 * (`mois`, its first day), by the same refresh and in the same transaction. A long period reads
 * its whole months here and only its edge days in tdb_sla_jour.
 */
@Entity({ name: 'tdb_sla_mois' })
@Index('idx_tdb_sla_mois_direction', ['flux', 'directionId', 'mois'])
@Index('idx_tdb_sla_mois_maison', ['flux', 'maisonId', 'mois'])
@Index('idx_tdb_sla_mois_referent', ['flux', 'referentId', 'mois'])
@Check('CHK_tdb_sla_mois_premier', `extract(day FROM "mois") = 1`)
export class TdbSlaMoisRow extends TdbSlaCumuls {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  flux: 'question' | 'commande';

  /** The first day of the local month. */
  @PrimaryColumn({ type: 'date' })
  mois: string;

  @PrimaryColumn('uuid')
  maisonId: string;

  @PrimaryColumn('uuid')
  directionId: string;

  @PrimaryColumn('uuid')
  referentId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  horloge: string;
}

/**
 * The weekly trend's level (ADR 0025): per ISO week (`semaine`, its Monday), flux, MdR,
 * direction and référent, the clocks met and those met on time. Kept with the other levels.
 */
@Entity({ name: 'tdb_sla_semaine' })
@Index('idx_tdb_sla_semaine_direction', ['flux', 'directionId', 'semaine'])
@Index('idx_tdb_sla_semaine_maison', ['flux', 'maisonId', 'semaine'])
@Index('idx_tdb_sla_semaine_referent', ['flux', 'referentId', 'semaine'])
@Check('CHK_tdb_sla_semaine_lundi', `extract(isodow FROM "semaine") = 1`)
export class TdbSlaSemaineRow {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  flux: 'question' | 'commande';

  /** The Monday of the ISO week. */
  @PrimaryColumn({ type: 'date' })
  semaine: string;

  @PrimaryColumn('uuid')
  maisonId: string;

  @PrimaryColumn('uuid')
  directionId: string;

  @PrimaryColumn('uuid')
  referentId: string;

  @Column({ type: 'int' })
  termines: number;

  @Column({ type: 'int' })
  aTemps: number;
}

// Counts of met clocks per duration class (histogram.ts): one int column per class, h00 … h20,
// declared in a loop rather than 21 times by hand.
for (const c of COLONNES_CLASSES) {
  Column({ type: 'int', default: 0, name: c })(TdbSlaJourRow.prototype, c);
  Column({ type: 'int', default: 0, name: c })(TdbSlaMoisRow.prototype, c);
}

/** When the worker last refreshed the read model (the freshness a dashboard shows). */
@Entity({ name: 'tdb_rafraichissement' })
export class TdbRafraichissementRow {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ type: 'timestamptz' })
  a: Date;

  @Column({ type: 'int' })
  jours: number;
}

export const DASHBOARD_ENTITIES = [TdbSlaJourRow, TdbSlaMoisRow, TdbSlaSemaineRow, TdbRafraichissementRow];
