import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { timerJobId, SlaTimers } from './sla.timers';
import type { TimerType } from './sla.engine';

export interface ReconcileReport {
  running: number;
  rearmed: number;
  overdue: number;
}

/**
 * Re-arms the timers Redis lost (a flush, a restart without persistence): every running clock
 * must have its due timer, and its warning timer until the warning is given. Overdue ones are
 * armed with no delay, so they fire at once through the same exactly-once path.
 */
@Injectable()
export class SlaReconciler {
  private readonly logger = new Logger(SlaReconciler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly timers: SlaTimers,
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const rows: Array<{ id: string; generation: number; echeance: Date; avertissement_a: Date | null; avertie_a: Date | null }> =
      await this.dataSource.query(
        `SELECT id, generation, echeance, avertissement_a, avertie_a FROM sla_horloge WHERE etat = 'running' AND echeance IS NOT NULL`,
      );
    const wanted: Array<{ horlogeId: string; generation: number; type: TimerType; at: Date }> = [];
    for (const r of rows) {
      wanted.push({ horlogeId: r.id, generation: r.generation, type: 'depassement', at: new Date(r.echeance) });
      if (r.avertissement_a && !r.avertie_a) wanted.push({ horlogeId: r.id, generation: r.generation, type: 'avertissement', at: new Date(r.avertissement_a) });
    }
    const missing = await this.timers.missing(wanted.map((t) => timerJobId(t.horlogeId, t.type, t.generation)));
    const rearm = wanted.filter((t) => missing.has(timerJobId(t.horlogeId, t.type, t.generation)));
    await this.timers.arm(rearm);
    const now = Date.now();
    const report = { running: rows.length, rearmed: rearm.length, overdue: rearm.filter((t) => t.at.getTime() <= now).length };
    if (report.rearmed > 0) this.logger.warn(report, 'SLA timers re-armed');
    return report;
  }
}
