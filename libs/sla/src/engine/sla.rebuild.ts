import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SlaConsumer } from './sla.consumer';
import { ReconcileReport, SlaReconciler } from './sla.reconciler';

export interface RebuildReport {
  tickets: number;
  horloges: number;
  timers: ReconcileReport;
}

/**
 * Recomputes every clock from the timelines (`npm run sla:rebuild`): the SLA rows are cleared,
 * each ticket's timeline replayed in order (fired warnings and breaches restored from the
 * `sla.*` events, never fired again), then the timers re-armed. Clocks take the policies in
 * force now. Run it with the workers stopped.
 */
@Injectable()
export class SlaRebuilder {
  private readonly logger = new Logger(SlaRebuilder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consumer: SlaConsumer,
    private readonly reconciler: SlaReconciler,
  ) {}

  async rebuild(): Promise<RebuildReport> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM sla_declenchement`);
      await manager.query(`DELETE FROM sla_detention`);
      await manager.query(`DELETE FROM sla_horloge`);
      await manager.query(`DELETE FROM sla_curseur`);
    });
    const tickets: Array<{ ticket_type: 'question' | 'commande'; ticket_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT ticket_type, ticket_id FROM timeline_event ORDER BY ticket_type, ticket_id`,
    );
    for (const [i, t] of tickets.entries()) {
      await this.dataSource.transaction((manager) => this.consumer.apply(manager, t.ticket_type, t.ticket_id));
      if ((i + 1) % 10_000 === 0) this.logger.log({ done: i + 1, total: tickets.length }, 'SLA rebuild progress');
    }
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM sla_horloge`);
    return { tickets: tickets.length, horloges: n, timers: await this.reconciler.reconcile({ full: true }) };
  }
}
