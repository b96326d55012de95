import { Logger } from '@nestjs/common';
import { OutageLog } from '../logging/outage-log';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

export const OUTBOX_CHANNEL = 'relais_outbox';
/** Between two attempts to reopen a lost LISTEN connection. */
const LISTEN_RETRY_MS = 1000;
/** Rows one relay transaction claims. */
const BATCH_SIZE = 200;
/** Unprocessed rows the redelivery check looks at per pass (every ~10 s). */
const REDELIVERY_PAGE = 1000;

type OutboxRow = { id: string; type: string; aggregate_type: string; aggregate_id: string };

/** The job an outbox row becomes: ids only, the consumer re-reads what it needs. */
export interface OutboxJob {
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
}

export function outboxJobId(eventId: string): string {
  return `outbox-${eventId}`;
}

/**
 * Moves committed outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several workers share the work without sending a row twice; a row is marked published only
 * after BullMQ accepted its job, and the deterministic job id makes a re-send harmless.
 * It wakes on NOTIFY and also polls, so a missed notification delays a row by one period at most.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private listener: Client | null = null;
  private listenRetry: NodeJS.Timeout | null = null;
  private readonly listenerLog = new OutageLog(this.logger, 'outbox-listener');
  private readonly relayLog = new OutageLog(this.logger, 'outbox-relay');
  private readonly redeliveryLog = new OutageLog(this.logger, 'outbox-redelivery');
  private running = false;
  private draining: Promise<void> | null = null;
  private wakeRequested = false;
  /** Where the next redelivery pass starts, past the rows the last one found alive (null: from the oldest). */
  private redeliveryCursor: { published: string; id: string } | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: Queue<OutboxJob>,
    private readonly options: {
      pollMs: number;
      batchSize?: number;
      databaseUrl: string;
      redeliverAfterMs?: number;
      /** Unprocessed rows one redelivery pass looks at (default REDELIVERY_PAGE). */
      redeliveryPage?: number;
      /** Whether some consumer takes events of this type (default: every type is sent). */
      delivers?: (type: string) => boolean;
    },
  ) {}

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    let ticks = 0;
    const tick = () => {
      if (!this.running) return;
      this.wake();
      // Every ~10 s, look for events whose job Redis lost.
      if (++ticks % Math.max(1, Math.round(10_000 / this.options.pollMs)) === 0) {
        this.redeliverLost().then(
          () => this.redeliveryLog.recovered('outbox redelivery works again'),
          (err) => this.redeliveryLog.failure(err, 'outbox redelivery failed; will retry'),
        );
      }
      this.timer = setTimeout(tick, this.options.pollMs);
    };
    tick();
  }

  /** Whether the LISTEN connection is up (the relay then wakes on NOTIFY, not only by polling). */
  get listening(): boolean {
    return this.listener !== null;
  }

  /**
   * Opens the LISTEN connection; when it fails or is lost later (a PostgreSQL restart), retries
   * every LISTEN_RETRY_MS while polling carries the rows, so latency is back to NOTIFY's as soon
   * as PostgreSQL is. Once reconnected it drains at once: a NOTIFY sent while it was away is lost.
   */
  private async listen(): Promise<void> {
    if (!this.running) return;
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'relais-outbox-listener' });
    let lost = false;
    const onLost = (err: unknown) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      if (!this.running) return;
      this.listenerLog.failure(err, 'outbox LISTEN unavailable; polling only until it is back');
      this.listenRetry = setTimeout(() => void this.listen(), LISTEN_RETRY_MS);
    };
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('LISTEN connection ended')));
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (!this.running) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.listenerLog.recovered('outbox LISTEN connection back');
    void this.wake();
  }

  /** Relays everything pending now; resolves when the backlog is empty. */
  wake(): Promise<void> {
    if (this.draining) {
      this.wakeRequested = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        const full = this.options.batchSize ?? BATCH_SIZE;
        do {
          this.wakeRequested = false;
          // A short batch took every row committed before it: no empty batch (a transaction) to
          // prove it. A row committed since wakes the relay again (its NOTIFY, or the fire's wake).
          while ((await this.relayBatch()) >= full) {
            /* keep draining */
          }
        } while (this.wakeRequested && this.running);
        this.relayLog.recovered('outbox relay works again');
      } catch (err) {
        this.relayLog.failure(err, 'outbox relay batch failed; will retry');
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  /**
   * Sends again the rows published long ago but never processed: their job was lost with Redis
   * (a flush, a crash without persistence) or ended without processing them (failed: stalled
   * too often, or out of attempts during a long PostgreSQL outage; completed while the row
   * stayed unprocessed). Returns how many it sent again.
   *
   * Under a backlog (100,000 breaches due in two minutes queue ~200,000 consumer jobs) most
   * candidates are merely waiting their turn, so the pass is built to cost them nothing:
   * - the candidates are read without a lock, and their jobs looked up by id, all sent at once
   *   (O(1) per job; BullMQ's getJobState scans the waiting list on Redis, which cost Redis
   *   half a second per pass, and the row locks held meanwhile stopped every consumer that marks
   *   its row processed: SLA fires fell seconds behind every 10 s, issue #17);
   * - only the rows whose job is gone or ended are locked (SKIP LOCKED, still unprocessed), their
   *   ended jobs removed (BullMQ ignores an add whose id exists) and sent again with the same id;
   * - a row whose job is alive is left as it is, and a cursor carries the next pass past it, so
   *   a long backlog cannot hide a lost row for more than the passes it takes to walk it.
   */
  async redeliverLost(): Promise<number> {
    const after = this.options.redeliverAfterMs ?? 60_000;
    const page = this.options.redeliveryPage ?? REDELIVERY_PAGE;
    const cursor = this.redeliveryCursor;
    const candidates: Array<OutboxRow & { published: string }> = await this.dataSource.query(
      `SELECT id, type, aggregate_type, aggregate_id, published_at::text AS published FROM outbox
        WHERE published_at IS NOT NULL AND processed_at IS NULL AND published_at < now() - make_interval(secs => $1)
          ${cursor ? 'AND (published_at, id) > ($3::timestamptz, $4::uuid)' : ''}
        ORDER BY published_at, id LIMIT $2`,
      cursor ? [after / 1000, page, cursor.published, cursor.id] : [after / 1000, page],
    );
    const last = candidates[candidates.length - 1];
    this.redeliveryCursor = candidates.length === page ? { published: last.published, id: last.id } : null;
    if (candidates.length === 0) return 0;
    const jobs = await this.jobsOf(candidates.map((r) => outboxJobId(r.id)));
    const stateOf = new Map(candidates.map((r, k) => [r.id, jobs[k]]));
    const stranded = candidates.filter((r) => stateOf.get(r.id) !== 'alive');
    if (stranded.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, type, aggregate_type, aggregate_id FROM outbox WHERE id = ANY($1::uuid[]) AND processed_at IS NULL FOR UPDATE SKIP LOCKED`,
        [stranded.map((r) => r.id)],
      );
      if (rows.length === 0) return 0;
      // Locked and still unprocessed: no other relay re-adds them meanwhile, and an ended job stays ended.
      const ended = rows.filter((r) => stateOf.get(r.id) === 'ended').map((r) => outboxJobId(r.id));
      await Promise.all(ended.map((id) => this.queue.remove(id)));
      await this.enqueue(manager, rows);
      this.logger.warn({ count: rows.length, ended: ended.length }, 'outbox events sent again (their jobs were lost or ended without processing them)');
      return rows.length;
    });
  }

  /**
   * Whether each job is alive (waiting, delayed or active: it will run), ended (completed or
   * failed: it will not run again) or gone (Redis lost it), from the job's own record: one
   * HGETALL on Redis, one lookup by id on PostgreSQL, sent together.
   */
  private async jobsOf(jobIds: string[]): Promise<Array<'alive' | 'ended' | 'gone'>> {
    const jobs = await Promise.all(jobIds.map((id) => this.queue.getJob(id)));
    return jobs.map((job) => (!job ? 'gone' : job.finishedOn ? 'ended' : 'alive'));
  }

  /** One batch: claim, enqueue, mark. Returns how many rows it moved. */
  async relayBatch(): Promise<number> {
    const batchSize = this.options.batchSize ?? BATCH_SIZE;
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, type, aggregate_type, aggregate_id FROM outbox
          WHERE published_at IS NULL
          ORDER BY created_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await this.enqueue(manager, rows);
      return rows.length;
    });
  }

  /**
   * Adds the rows' jobs (deterministic ids: a re-send is harmless), then marks them published.
   * A row no consumer takes (an event type nothing subscribes to in this deployment)
   * is marked processed at once instead: a job would cost Redis and the outbox processor two
   * scripts and two statements for nothing.
   */
  private async enqueue(manager: EntityManager, rows: OutboxRow[]): Promise<void> {
    const delivers = this.options.delivers ?? (() => true);
    const idle = rows.filter((row) => !delivers(row.type));
    if (idle.length > 0) {
      await manager.query(
        `UPDATE outbox SET published_at = now(), processed_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`,
        [idle.map((r) => r.id)],
      );
      if (idle.length === rows.length) return;
      rows = rows.filter((row) => delivers(row.type));
    }
    await this.queue.addBulk(
      rows.map((row) => ({
        name: row.type,
        data: { eventId: row.id, type: row.type, aggregateType: row.aggregate_type, aggregateId: row.aggregate_id },
        opts: { jobId: outboxJobId(row.id) },
      })),
    );
    await manager.query(`UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.listenRetry) clearTimeout(this.listenRetry);
    await this.draining;
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => undefined);
  }
}
