import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { timerJobId, SlaTimers } from './sla.timers';
import type { TimerType } from './sla.engine';

export interface ReconcileReport {
  running: number;
  rearmed: number;
  overdue: number;
  /** `count`: Redis held at least as many timers as the running clocks need, nothing re-read; `full`: every running clock checked. */
  pass: 'count' | 'full';
}

/** Running clocks read (and their timers looked up in Redis) per round trip of a full pass: bounds its memory. */
const PAGE = 2000;
/**
 * Pause between pages of a routine full pass (nothing found missing by the counts): it then
 * spreads its work rather than compete in one burst with the timers firing on the same
 * processes. A pass the counts asked for (a flush) does not pause.
 */
const ROUTINE_PAGE_PAUSE_MS = 50;
/**
 * A breached clock whose warning was not given yet (due before the breach, its fire failed until
 * the breach came through): its idx_sla_horloge_avertissement_tardif predicate.
 */
const LATE_WARNING = `etat = 'breached' AND avertissement_a IS NOT NULL AND avertie_a IS NULL`;
/**
 * How long after its breach a clock's lost warning is still re-armed: long enough for any
 * outage the reconciler outlives; not forever, so that warnings skipped before late warnings
 * existed (or left by an outage of days) are not all sent at once, long after the fact.
 */
export const LATE_WARNING_WINDOW_MS = 24 * 3600_000;
/** A full pass runs at least once per this many periods, whatever the counts say. */
const FULL_PASS_EVERY_PERIODS = 10;

/** What a page needs to name a clock's timers: no dates to parse for the (many) clocks that have theirs. */
interface RunningRow {
  id: string;
  generation: number;
  warns: boolean;
}

interface ClockRow extends RunningRow {
  echeance: Date;
  avertissement_a: Date | null;
}

type Wanted = { horlogeId: string; generation: number; type: TimerType; at: Date };

/**
 * Re-arms the timers Redis lost (a flush, a restart without persistence): every running clock
 * must have its due timer, and its warning timer until the warning is given; a clock breached
 * before its warning was given (an outage) keeps its warning timer too (LATE_WARNING). Overdue
 * ones are armed with no delay, so they fire at once through the same exactly-once path.
 *
 * Checking every clock each period costs in proportion to the clocks (100,000 running clocks:
 * 100,000 rows read and 100,000 keys looked up every period, on the database and the Redis that
 * the timers need). So a period first compares two counts: the timers the running clocks need
 * (PostgreSQL) and the timer jobs Redis holds. A flush or a lost timer leaves Redis short, and
 * only then are the clocks read, page by page. A stale timer that a failed drop left behind
 * could hide a lost one from the counts; a full pass every FULL_PASS_EVERY_PERIODS periods
 * (at most once per interval across workers, through a key that a flush also removes) bounds that.
 */
@Injectable()
export class SlaReconciler {
  private readonly logger = new Logger(SlaReconciler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timers: SlaTimers,
    private readonly config: AppConfig,
  ) {}

  /** `full`: check every running clock whatever the counts (after a rebuild, whose clocks are all new). */
  async reconcile(options: { full?: boolean } = {}): Promise<ReconcileReport> {
    // Redis first: a timer's job leaves Redis only after its fire has committed, so a clock
    // still running when PostgreSQL counts had its job counted just before. A fire in between
    // cannot make Redis look short; a timer armed in between can, which costs a needless full pass.
    const present = await this.timers.count();
    const [{ timers, running }]: Array<{ timers: number; running: number }> = await this.dataSource.query(
      `SELECT count(*)::int + count(*) FILTER (WHERE avertissement_a IS NOT NULL AND avertie_a IS NULL)::int
              + (SELECT count(*)::int FROM sla_horloge WHERE ${LATE_WARNING} AND depassee_a > now() - make_interval(secs => $1)) AS timers,
              count(*)::int AS running
         FROM sla_horloge WHERE etat = 'running' AND echeance IS NOT NULL`,
      [LATE_WARNING_WINDOW_MS / 1000],
    );
    const periodic = await this.timers.claimFullPass(FULL_PASS_EVERY_PERIODS * this.config.SLA_RECONCILE_MS);
    const short = present < timers;
    if (!options.full && !periodic && !short) return { running, rearmed: 0, overdue: 0, pass: 'count' };

    let rearmed = 0;
    let overdue = 0;
    // Soonest due first (the running clocks' index), so that after a flush the timers about to
    // fire are back before the distant ones. The cursor keeps the due instant as PostgreSQL
    // wrote it: a JavaScript Date would drop the microseconds and skip or repeat clocks.
    let after: { due: string; id: string } = { due: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const rows: Array<RunningRow & { due: string }> = await this.dataSource.query(
        `SELECT id, generation, (avertissement_a IS NOT NULL AND avertie_a IS NULL) AS warns, echeance::text AS due FROM sla_horloge
          WHERE etat = 'running' AND echeance IS NOT NULL AND (echeance, id) > ($1::timestamptz, $2::uuid)
          ORDER BY echeance, id LIMIT $3`,
        [after.due, after.id, PAGE],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1];
      const lost = await this.lostTimers(rows);
      if (lost.length > 0) {
        await this.timers.arm(lost);
        const now = Date.now();
        rearmed += lost.length;
        overdue += lost.filter((t) => t.at.getTime() <= now).length;
      }
      if (rows.length < PAGE) break;
      if (!short && !options.full) await new Promise((r) => setTimeout(r, ROUTINE_PAGE_PAUSE_MS));
    }
    const late = await this.lostLateWarnings();
    if (late.length > 0) {
      await this.timers.arm(late);
      rearmed += late.length;
      overdue += late.length;
    }
    const report = { running, rearmed, overdue, pass: 'full' as const };
    if (rearmed > 0) this.logger.warn(report, 'SLA timers re-armed');
    return report;
  }

  /**
   * The warnings still to give of clocks breached within LATE_WARNING_WINDOW_MS whose timer
   * Redis lost (its retries ran out during a PostgreSQL outage, or a flush): armed at once, they
   * fire late, once (SlaClock.warn). Few or none: one read, one look-up.
   */
  private async lostLateWarnings(): Promise<Wanted[]> {
    const rows: Array<{ id: string; generation: number; avertissement_a: Date }> = await this.dataSource.query(
      `SELECT id, generation, avertissement_a FROM sla_horloge
        WHERE ${LATE_WARNING} AND depassee_a > now() - make_interval(secs => $1) LIMIT ${PAGE}`,
      [LATE_WARNING_WINDOW_MS / 1000],
    );
    if (rows.length === 0) return [];
    const missing = await this.timers.missing(rows.map((r) => timerJobId(r.id, 'avertissement', r.generation)));
    return rows
      .filter((r) => missing.has(timerJobId(r.id, 'avertissement', r.generation)))
      .map((r) => ({ horlogeId: r.id, generation: r.generation, type: 'avertissement' as const, at: new Date(r.avertissement_a) }));
  }

  /**
   * The timers of these clocks that Redis does not hold, re-read once found missing: a timer
   * that fired between the page's read and the lookup is gone from Redis because its clock
   * committed first, and the second read no longer wants it (no useless second fire).
   */
  private async lostTimers(rows: RunningRow[]): Promise<Wanted[]> {
    const missing = await this.timers.missing(rows.flatMap((r) => jobIdsOf(r)));
    if (missing.size === 0) return [];
    const suspects = rows.filter((r) => jobIdsOf(r).some((id) => missing.has(id)));
    const current: ClockRow[] = await this.dataSource.query(
      `SELECT id, generation, echeance, avertissement_a, (avertissement_a IS NOT NULL AND avertie_a IS NULL) AS warns FROM sla_horloge
        WHERE etat = 'running' AND echeance IS NOT NULL AND id = ANY($1::uuid[])`,
      [suspects.map((r) => r.id)],
    );
    return current.flatMap(wantedOf).filter((t) => missing.has(timerJobId(t.horlogeId, t.type, t.generation)));
  }
}

/** The job ids of the timers a running clock must have. */
function jobIdsOf(r: RunningRow): string[] {
  const ids = [timerJobId(r.id, 'depassement', r.generation)];
  if (r.warns) ids.push(timerJobId(r.id, 'avertissement', r.generation));
  return ids;
}

/** The timers a running clock must have. */
function wantedOf(r: ClockRow): Wanted[] {
  const wanted: Wanted[] = [{ horlogeId: r.id, generation: r.generation, type: 'depassement', at: new Date(r.echeance) }];
  if (r.warns && r.avertissement_a) wanted.push({ horlogeId: r.id, generation: r.generation, type: 'avertissement', at: new Date(r.avertissement_a) });
  return wanted;
}
