import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, claimEvent, redisOutageLog, OUTBOX_CONSUMERS, OutboxConsumer, OutboxEvent, OutboxJob, QueueName, safeError } from '@app/core';
import { FirePressure } from '../sla/fire-pressure';

/**
 * Lock and stalled check: a job takes milliseconds, so a short lock is safe, and a job held by
 * a crashed worker is taken over within lockDuration + stalledInterval (7.5 s at most; BullMQ's
 * defaults, 30 s + 30 s, made a question's clocks start after its warning was due). A job may
 * stall twice (two workers killed in turn) before BullMQ fails it; a failed one is sent again
 * by the relay's redelivery anyway (OutboxRelay.redeliverLost).
 */
export const OUTBOX_WORKER_OPTIONS = { concurrency: 8, lockDuration: 5_000, stalledInterval: 2_500, maxStalledCount: 2 };

/** What one delivery leaves to do once its transaction has committed. */
interface Delivery {
  afterCommit: Array<{ consumer: string; action: () => Promise<void> }>;
  failed: string[];
}

/**
 * Delivers one outbox event to every consumer interested in its type, all in ONE transaction
 * (a consumer's transaction per event cost PostgreSQL a commit each, competing with the SLA
 * timer fires and the API). A job's first attempt runs them all without savepoints
 * (`firstDelivery`, ADR 0028) and falls back to the following when one of them throws.
 * Each consumer runs in a savepoint with its idempotency key
 * (consumer, event id): one that fails rolls back only its own work and claim, the others
 * commit, and the job fails afterwards so that BullMQ retries it; the retry finds the others'
 * claims and re-runs only the consumers that failed. A redelivered event is applied once.
 * The event is marked processed in that same transaction, only when no consumer failed.
 *
 * Consumers run in OUTBOX_CONSUMER_CLASSES's order, the live stream first (ADR 0012): on Redis
 * its XADD is sent before the other consumers run, so it waits for none of them, as when it had
 * a transaction of its own; on PostgreSQL (ADR 0022) its rows are seen at the commit, a few
 * milliseconds later, not worth a second commit per event. The order is the same for every
 * job, so two deliveries of one event take the claims in the same order and cannot deadlock.
 */
@Processor(QueueName.Outbox, OUTBOX_WORKER_OPTIONS)
export class OutboxProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxProcessor.name);
  private readonly redisLog = redisOutageLog(this.logger, 'worker:outbox');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly pressure: FirePressure,
    @Optional() @Inject(OUTBOX_CONSUMERS) private readonly consumers: OutboxConsumer[] = [],
  ) {
    super();
  }

  /** Takes fewer jobs at once while this process fires SLA timers (FirePressure). */
  onApplicationBootstrap(): void {
    this.pressure.onChange((busy) => {
      this.worker.concurrency = busy ? this.config.OUTBOX_CONCURRENCY_DURING_FIRES : OUTBOX_WORKER_OPTIONS.concurrency;
    });
  }

  async process(job: Job<OutboxJob>): Promise<void> {
    const pause = this.config.OUTBOX_PAUSE_DURING_FIRES_MS;
    if (pause > 0 && this.pressure.underPressure) await new Promise((resolve) => setTimeout(resolve, pause));
    const { eventId, type } = job.data;
    const delivery = job.attemptsMade === 0 && type ? await this.firstDelivery(eventId, type) : await this.dataSource.transaction((manager) => this.deliver(eventId, manager));
    for (const { consumer, action } of delivery.afterCommit) {
      // Each consumer repairs a lost action itself (its reconciler); the others still run theirs.
      await action().catch((err) => this.logger.warn({ eventId, consumer, err: safeError(err) }, 'outbox consumer action after commit failed'));
    }
    if (delivery.failed.length > 0) throw new Error(`outbox consumers failed, retried: ${delivery.failed.join(', ')}`);
  }

  /**
   * A job's first attempt, all at once (ADR 0028): nearly every delivery succeeds, so it pays no
   * savepoint. One statement reads the event, claims it for every interested consumer and marks
   * it processed; the consumers then run one after the other in that transaction. Should one
   * throw, everything is rolled back and the event delivered again at once the careful way
   * (`deliver`: each consumer in its savepoint), where the others commit and the failing one is
   * retried alone; a lone consumer's failure is final for this attempt as it is there.
   * A consumer before the failing one thus runs twice, its first run rolled back: its work is
   * transactional, and the live stream's XADD, which is not, is dropped by clients by event id.
   */
  private async firstDelivery(eventId: string, type: string): Promise<Delivery> {
    const interested = this.consumers.filter((c) => c.handles(type));
    try {
      return await this.dataSource.transaction((manager) => this.deliverAtOnce(eventId, type, interested, manager));
    } catch (err) {
      if (!(err instanceof OutboxRowMismatch) && interested.length <= 1) throw err;
      this.logger.debug({ eventId, type, err: safeError(err) }, 'outbox delivery at once failed; again with each consumer in its savepoint');
      return this.dataSource.transaction((manager) => this.deliver(eventId, manager));
    }
  }

  /** In the caller's transaction: the event read, claimed and marked processed in one statement, then its consumers. */
  private async deliverAtOnce(eventId: string, type: string, interested: OutboxConsumer[], manager: EntityManager): Promise<Delivery> {
    const delivery: Delivery = { afterCommit: [], failed: [] };
    const [row]: Array<OutboxEvent & { claimed: string[] }> = await manager.query(
      `WITH ev AS (SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE id = $1),
            done AS (UPDATE outbox SET processed_at = now() WHERE id = $1 AND type = $3 AND processed_at IS NULL),
            claimed AS (
              INSERT INTO processed_event (consumer, event_id) SELECT c, ev.id FROM unnest($2::varchar[]) AS c, ev WHERE ev.type = $3
              ON CONFLICT DO NOTHING RETURNING consumer)
       SELECT id AS "eventId", type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", payload, ARRAY(SELECT consumer FROM claimed) AS claimed FROM ev`,
      [eventId, interested.map((c) => c.name), type],
    );
    if (!row) {
      this.logger.warn({ eventId }, 'outbox row gone; nothing to deliver');
      return delivery;
    }
    // The job names the row's type (the relay wrote both); were it ever not so, nothing was claimed or marked.
    if (row.type !== type) throw new OutboxRowMismatch();
    const { claimed, ...event } = row;
    const mine = new Set(claimed);
    for (const consumer of interested) {
      if (!mine.has(consumer.name)) continue;
      const action = await consumer.handle(event, manager);
      if (action) delivery.afterCommit.push({ consumer: consumer.name, action });
    }
    return delivery;
  }

  /** In the caller's transaction: every interested consumer, each in a savepoint, then the event marked processed. */
  private async deliver(eventId: string, manager: EntityManager): Promise<Delivery> {
    const delivery: Delivery = { afterCommit: [], failed: [] };
    const [event]: OutboxEvent[] = await manager.query(
      `SELECT id AS "eventId", type, aggregate_type AS "aggregateType", aggregate_id AS "aggregateId", payload FROM outbox WHERE id = $1`,
      [eventId],
    );
    if (!event) {
      this.logger.warn({ eventId }, 'outbox row gone; nothing to deliver');
      return delivery;
    }
    const interested = this.consumers.filter((c) => c.handles(event.type));
    // Alone, a consumer needs no savepoint: its failure rolls back the whole transaction.
    const alone = interested.length === 1;
    for (const consumer of interested) {
      const run = async () => ((await claimEvent(manager, consumer.name, eventId)) ? consumer.handle(event, manager) : undefined);
      const outcome = alone ? await settled(run) : await inSavepoint(manager, run);
      if ('error' in outcome) {
        this.logger.warn({ eventId, type: event.type, consumer: consumer.name, err: safeError(outcome.error) }, 'outbox consumer failed; its work is rolled back and the job retried');
        if (alone) throw outcome.error;
        delivery.failed.push(consumer.name);
      } else if (outcome.value) {
        delivery.afterCommit.push({ consumer: consumer.name, action: outcome.value });
      }
    }
    if (delivery.failed.length === 0) await manager.query(`UPDATE outbox SET processed_at = now() WHERE id = $1 AND processed_at IS NULL`, [eventId]);
    return delivery;
  }

  /** Redis errors (a restart, a flush under a running job): logged once a minute; BullMQ reconnects and the relay redelivers. */
  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.redisLog.failure(err, 'queue worker error');
  }
}

/** The job's event type is not its row's: delivered the careful way, which reads the type from the row. */
class OutboxRowMismatch extends Error {}

type Outcome<T> = { value: T } | { error: unknown };

async function settled<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { value: await work() };
  } catch (error) {
    return { error };
  }
}

/**
 * `work` in a savepoint: released when it succeeds, rolled back (its work undone, the rest of the
 * transaction kept) when it throws. A failing release or rollback (a broken connection) fails the
 * whole transaction, as it must.
 */
async function inSavepoint<T>(manager: EntityManager, work: () => Promise<T>): Promise<Outcome<T>> {
  await manager.query(`SAVEPOINT outbox_consumer`);
  const outcome = await settled(work);
  await manager.query('error' in outcome ? `ROLLBACK TO SAVEPOINT outbox_consumer` : `RELEASE SAVEPOINT outbox_consumer`);
  return outcome;
}
