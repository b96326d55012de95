import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { emptyPlan, TimerPlan } from './sla.engine';
import { EnMain, SlaConsumer } from './sla.consumer';
import { SlaTimers } from './sla.timers';

/**
 * The SLA clocks of a ticket, derived in the request that changed it (ADR 0006), so that the
 * answer shows the clocks after the transition. The derivation is the outbox consumer's, on the
 * same cursor: the consumer later finds nothing new for that ticket, and stays the safety net
 * when this step fails (its savepoint is rolled back, the transition still commits).
 *
 * Usage, in the request's transaction: `lock` before the ticket row is locked or updated (lock
 * order: cursor, clock rows, ticket row — the timer fires' order), `derive` once the events are
 * on the timeline, and `arm` the returned plan after commit.
 */
export interface SlaVerrou {
  ticketType: 'question' | 'commande';
  ticketId: string;
  /** The cursor as locked: the derivation starts after it. */
  seq: number;
}

@Injectable()
export class SlaInRequest {
  private readonly logger = new Logger(SlaInRequest.name);

  constructor(
    private readonly consumer: SlaConsumer,
    private readonly timers: SlaTimers,
  ) {}

  async lock(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string): Promise<SlaVerrou> {
    return { ticketType, ticketId, seq: await this.consumer.lock(manager, ticketType, ticketId) };
  }

  /**
   * Applies the ticket's timeline events after its cursor; on failure, changes nothing and leaves
   * them to the consumer. The locks of `lock` are still held (same transaction): not taken again.
   * `enMain`: what the request already holds (the question's facts, the events it appended).
   */
  async derive(manager: EntityManager, verrou: SlaVerrou, enMain: Omit<EnMain, 'seq'> = {}): Promise<TimerPlan> {
    const { ticketType, ticketId } = verrou;
    await manager.query(`SAVEPOINT sla_in_request`);
    try {
      // The savepoint is not released (one round trip less, issue #17): the commit ends it with
      // the transaction, and what follows in the request runs in it just as well.
      return await this.consumer.apply(manager, ticketType, ticketId, { ...enMain, seq: verrou.seq });
    } catch (err) {
      // A broken connection fails the rollback too: then the whole transaction fails, as it must.
      await manager.query(`ROLLBACK TO SAVEPOINT sla_in_request`);
      this.logger.warn({ ticketType, ticketId, err: (err as Error).message }, 'SLA clocks not derived in the request; the outbox consumer will');
      return emptyPlan();
    }
  }

  /**
   * Arms the plan's timers after commit, best effort and without holding the answer back (a
   * Redis round trip per drop would add to every transition): SlaTimers logs a failure, the
   * reconciler re-arms from the rows whatever is lost, and a timer of an older generation that
   * a late drop misses fires as stale, doing nothing.
   */
  arm(plan: TimerPlan): void {
    if (plan.arm.length === 0 && plan.drop.length === 0) return;
    void this.timers.apply(plan);
  }
}
