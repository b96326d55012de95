import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, OutageLog, queuesOnPostgres } from '@app/core';
import { FireOutcome, FireRequest, SLA_MINUTERIE_CHANNEL, SlaFirer, slaTimerBackoff, SLA_TIMER_JOB_OPTIONS } from '@app/sla';
import { OutboxRelayService } from '../outbox/outbox-relay.service';
import { FirePressure } from './fire-pressure';

/** Timers claimed and fired per transaction at most (one commit for a burst, as FireBatcher). */
export const MINUTERIE_BATCH = 100;
/** Longest sleep with no timer due: bounds what a NOTIFY missed while reconnecting costs. */
const IDLE_MS = 1_000;
/** Rows due but locked by another worker's batch: look again this soon rather than spin. */
const LOCKED_RETRY_MS = 5;

interface Claimed extends FireRequest {
  id: string;
  essais: number;
}

/**
 * The SLA timers when the queues run on PostgreSQL (FILES_ATTENTE=postgres, ADR 0022): due rows
 * of `sla_minuterie` are claimed with FOR UPDATE SKIP LOCKED, fired and deleted in ONE
 * transaction (the fire's group commit), so a crash leaves them due and another worker, or this
 * one after its restart, takes them; `sla_declenchement`'s key keeps every fire exactly once.
 * Between batches it sleeps until the soonest row, woken early by the NOTIFY of a new timer.
 * A failed batch is retried timer by timer, each failing one backing off as BullMQ would
 * (slaTimerBackoff, SLA_TIMER_JOB_OPTIONS.attempts) before it is dropped for the reconciler.
 */
@Injectable()
export class SlaMinuteriePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaMinuteriePoller.name);
  private readonly outage = new OutageLog(this.logger, 'sla-minuterie');
  private running = false;
  private loop: Promise<void> | null = null;
  private listener: Client | null = null;
  private notified = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly firer: SlaFirer,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pressure: FirePressure,
    @Optional() private readonly outbox?: OutboxRelayService,
  ) {}

  onApplicationBootstrap(): void {
    if (!queuesOnPostgres(this.config)) return;
    this.running = true;
    void this.listen();
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    while (this.running && !this.listener) {
      const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'relais-worker-sla-minuterie', keepAlive: true });
      client.on('notification', () => this.notify());
      const lost = () => {
        if (this.listener !== client) return;
        this.listener = null;
        client.end().catch(() => undefined);
        if (this.running) setTimeout(() => void this.listen(), IDLE_MS).unref();
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        await client.query(`LISTEN ${SLA_MINUTERIE_CHANNEL}`);
        this.listener = client;
        if (!this.running) await client.end();
        // Whatever was armed while not listening: the next read sees it.
        this.notify();
      } catch {
        await client.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, IDLE_MS));
      }
    }
  }

  private notify(): void {
    this.notified = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.notified = false;
      try {
        const claimed = await this.fireDue();
        this.outage.recovered('SLA timers fire again');
        if (claimed >= MINUTERIE_BATCH) continue;
        await this.sleep(await this.nextDueInMs());
      } catch (err) {
        this.outage.failure(err, 'SLA timer poll failed; retrying');
        await this.sleep(IDLE_MS);
      }
    }
  }

  /** Claims, fires and deletes up to MINUTERIE_BATCH due timers; on failure, retries them one by one. */
  private async fireDue(): Promise<number> {
    let claimed: Claimed[] = [];
    try {
      const outcomes = await this.dataSource.transaction(async (manager) => {
        claimed = (
          await manager.query(
            `SELECT id, horloge_id, generation, type, essais FROM sla_minuterie WHERE echeance <= clock_timestamp() ORDER BY echeance LIMIT $1 FOR UPDATE SKIP LOCKED`,
            [MINUTERIE_BATCH],
          )
        ).map((r: any): Claimed => ({ id: r.id, horlogeId: r.horloge_id, generation: r.generation, type: r.type, essais: r.essais }));
        return this.fireIn(manager, claimed);
      });
      this.relayed(outcomes);
      return claimed.length;
    } catch (err) {
      if (claimed.length === 0) throw err;
      // A timer that keeps failing must not take the others of its batch down with it.
      for (const timer of claimed) await this.fireAlone(timer);
      return claimed.length;
    }
  }

  private async fireIn(manager: import('typeorm').EntityManager, claimed: Claimed[]): Promise<FireOutcome[]> {
    if (claimed.length === 0) return [];
    return this.pressure.during(claimed.length, async () => {
      const outcomes = await this.firer.fireBatchIn(
        manager,
        claimed.map(({ horlogeId, generation, type }) => ({ horlogeId, generation, type })),
      );
      await manager.query(`DELETE FROM sla_minuterie WHERE id = ANY($1::text[])`, [claimed.map((t) => t.id)]);
      return outcomes;
    });
  }

  private async fireAlone(timer: Claimed): Promise<void> {
    try {
      const outcomes = await this.dataSource.transaction(async (manager) => {
        const [row] = await manager.query(`SELECT essais FROM sla_minuterie WHERE id = $1 FOR UPDATE SKIP LOCKED`, [timer.id]);
        return row ? this.fireIn(manager, [timer]) : [];
      });
      this.relayed(outcomes);
    } catch (err) {
      const essais = timer.essais + 1;
      if (essais >= SLA_TIMER_JOB_OPTIONS.attempts) {
        this.logger.warn({ err: { message: (err as Error).message }, horlogeId: timer.horlogeId }, 'SLA timer dropped after its last attempt; the reconciler will re-arm it');
        await this.dataSource.query(`DELETE FROM sla_minuterie WHERE id = $1`, [timer.id]).catch(() => undefined);
        return;
      }
      await this.dataSource
        .query(`UPDATE sla_minuterie SET essais = $2, echeance = clock_timestamp() + $3 * interval '1 millisecond' WHERE id = $1`, [timer.id, essais, slaTimerBackoff(essais)])
        .catch(() => undefined);
    }
  }

  /** Fires skip the outbox NOTIFY (SlaFirer): wake this process's relay (OutboxRelayService.afterFires), as the BullMQ processor does. */
  private relayed(outcomes: FireOutcome[]): void {
    if (outcomes.includes('fired')) this.outbox?.afterFires();
  }

  /** Milliseconds until the soonest timer, by PostgreSQL's clock (IDLE_MS when none). */
  private async nextDueInMs(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT extract(epoch FROM min(echeance) - clock_timestamp()) * 1000 AS ms FROM sla_minuterie`);
    if (row?.ms === null || row?.ms === undefined) return IDLE_MS;
    return Math.min(IDLE_MS, Math.max(LOCKED_RETRY_MS, Math.ceil(Number(row.ms))));
  }

  private async sleep(ms: number): Promise<void> {
    if (this.notified || !this.running) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
