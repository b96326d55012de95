import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { AppConfig, AuthContext, DomainError, queuesOnPostgres } from '@app/core';
import { fluxAudienceIncludes, fluxEventOf, FluxMessage, fluxStreamKey } from '@app/notifications';
import { FluxLog, PostgresFluxLog, RedisFluxLog, StreamInfo } from './flux-log';
import { compareStreamIds, isStreamId } from './stream-id';

/** What the client waits before reconnecting after a cut (the SSE `retry:` field), in ms. */
export const FLUX_RETRY_MS = 3_000;
/** Entries read per XREAD and per XRANGE page. */
const BATCH = 500;
/** Beyond this many entries to replay, a `resync` (refetch the screen) is cheaper than the replay. */
const REPLAY_MAX = 5_000;
/** A client that reads nothing while this much waits for it is cut (it reconnects and resumes). */
const MAX_PENDING_BYTES = 1_000_000;
/** How long one blocking XREAD waits before it is sent again (lets the loop see a shutdown). */
const BLOCK_MS = 5_000;

export class TropDeFluxError extends DomainError {
  constructor(max: number) {
    super('FLUX_TROP_NOMBREUX', 'too_many_requests', `Vous avez déjà ${max} flux de mises à jour ouverts : fermez un onglet de Relais et réessayez.`);
  }
}

/** Redis (or, queues on PostgreSQL, its LISTEN connection) is away: nothing could be streamed (the problem filter answers 503 with Retry-After). */
class FluxIndisponible extends Error {
  constructor() {
    super('Connection is not established (live stream)');
  }
}

interface FluxClient {
  ctx: AuthContext;
  out: PassThrough;
  /** The last stream entry weighed for this client, sent or not (entries up to it are done). */
  cursor: string | null;
  /** The client's Last-Event-ID as it knows it (the last id it was sent). */
  sentId: string | null;
  /** Live entries arriving while the client's missed ones are replayed; null once live. */
  pending: Array<[string, FluxMessage]> | null;
}

/**
 * The live stream's fan-out in one API process (ADR 0012): ONE blocking XREAD on its own
 * connection reads every entry the worker adds, decides per connected client from the entry's
 * audience whether it is theirs (no database query), and writes the SSE event. A client that
 * comes back with Last-Event-ID gets what it missed from XRANGE, or `resync` when the stream no
 * longer holds it. With FILES_ATTENTE=postgres the stream is a table read the same way (FluxLog,
 * ADR 0022).
 */
@Injectable()
export class FluxHub implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Flux');
  private readonly key: string;
  private readonly clients = new Set<FluxClient>();
  private readonly perUser = new Map<string, number>();
  private log: FluxLog | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** The last entry the reader dispatched; null until the loop has found the stream's end. */
  private lastId: string | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.key = fluxStreamKey(config.QUEUE_PREFIX);
  }

  /** Streams open in this process (metrics, tests). */
  get size(): number {
    return this.clients.size;
  }

  onApplicationBootstrap(): void {
    this.log = queuesOnPostgres(this.config)
      ? new PostgresFluxLog(this.config, this.dataSource, this.logger)
      : new RedisFluxLog(this.config, this.key, this.logger);
    this.log.start();
    this.running = true;
    this.loop = this.read();
    this.heartbeat = setInterval(() => this.beat(), this.config.FLUX_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Ends every stream before the HTTP server closes: an open response would hold the shutdown
   * until SHUTDOWN_TIMEOUT_MS. Clients reconnect (to another process) and resume.
   */
  beforeApplicationShutdown(): void {
    this.running = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of [...this.clients]) this.drop(client);
    // Aborts the pending read at once rather than after BLOCK_MS.
    this.log?.interrupt();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop;
    await this.log?.close();
  }

  /**
   * Opens a client's stream: its output starts with the reconnection delay, then what it missed
   * since `lastEventId` (if any), then live events. Throws 429 beyond the per-user cap, 503
   * while Redis is away.
   */
  open(ctx: AuthContext, lastEventId: string | undefined): PassThrough {
    const count = this.perUser.get(ctx.userId) ?? 0;
    if (count >= this.config.FLUX_MAX_STREAMS_PER_USER) throw new TropDeFluxError(this.config.FLUX_MAX_STREAMS_PER_USER);
    // Shutting down (streams already ended: a new one would hold the close), or Redis away.
    if (!this.running || !this.log?.ready()) throw new FluxIndisponible();
    const out = new PassThrough();
    const client: FluxClient = { ctx, out, cursor: null, sentId: null, pending: lastEventId ? [] : null };
    this.clients.add(client);
    this.perUser.set(ctx.userId, count + 1);
    out.once('close', () => this.forget(client));
    out.write(`retry: ${FLUX_RETRY_MS}\n: flux ouvert\n\n`);
    if (lastEventId) {
      this.replay(client, lastEventId.trim()).catch((err: Error) => {
        // Cut rather than leave a gap: the client reconnects with the same Last-Event-ID.
        this.logger.warn({ err: { message: err.message } }, 'live stream replay failed');
        this.drop(client);
      });
    }
    return out;
  }

  /** The request's connection closed (the client left). */
  close(out: PassThrough): void {
    for (const client of this.clients) if (client.out === out) this.drop(client);
  }

  private drop(client: FluxClient): void {
    this.forget(client);
    if (!client.out.writableEnded) client.out.end();
  }

  private forget(client: FluxClient): void {
    if (!this.clients.delete(client)) return;
    const count = (this.perUser.get(client.ctx.userId) ?? 1) - 1;
    if (count > 0) this.perUser.set(client.ctx.userId, count);
    else this.perUser.delete(client.ctx.userId);
  }

  /** The reader: one XREAD at a time, from the last entry it saw; reconnects on its own. */
  private async read(): Promise<void> {
    let failures = 0;
    const log = this.log!;
    while (this.running) {
      try {
        if (!log.ready()) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures++, 2_000)));
          continue;
        }
        // From the stream's end at start (nobody is connected yet to miss anything before).
        this.lastId ??= await log.end();
        const entries = await log.read(this.lastId, BATCH, BLOCK_MS);
        failures = 0;
        for (const [id, message] of entries) {
          this.lastId = id;
          if (message) this.dispatch(id, message);
        }
      } catch (err) {
        if (!this.running) break;
        // The connection's own listener logs the outage; wait a little and read again from lastId.
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures++, 2_000)));
      }
    }
  }

  private dispatch(id: string, message: FluxMessage): void {
    for (const client of this.clients) {
      if (client.pending) client.pending.push([id, message]);
      else this.deliver(client, id, message);
    }
  }

  private deliver(client: FluxClient, id: string, message: FluxMessage): void {
    if (client.cursor !== null && compareStreamIds(id, client.cursor) <= 0) return;
    client.cursor = id;
    if (!fluxAudienceIncludes(client.ctx, message)) return;
    const { event, data } = fluxEventOf(message);
    this.write(client, `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    client.sentId = id;
  }

  private write(client: FluxClient, chunk: string): void {
    if (client.out.writableEnded) return;
    if (client.out.writableLength > MAX_PENDING_BYTES) {
      this.logger.warn({ userId: client.ctx.userId }, 'live stream client too slow: cut');
      this.drop(client);
      return;
    }
    client.out.write(chunk);
  }

  /**
   * What the client missed since `after`: every entry still in the stream after it, or `resync`
   * when some are gone (trimmed, or a Redis that lost its data) or when there are too many.
   */
  private async replay(client: FluxClient, after: string): Promise<void> {
    const log = this.log!;
    const info = isStreamId(after) ? await log.info() : null;
    let complete = info !== null && !missedBeyondReach(after, info);
    let start = after;
    let replayed = 0;
    const missed: Array<[string, FluxMessage]> = [];
    while (complete) {
      const page = await log.range(start, BATCH);
      for (const [id, message] of page) {
        if (message) missed.push([id, message]);
      }
      replayed += page.length;
      if (replayed > REPLAY_MAX) complete = false;
      if (page.length < BATCH) break;
      start = page[page.length - 1][0];
    }
    if (!this.clients.has(client)) return;
    if (complete) {
      client.cursor = after;
      for (const [id, message] of missed) this.deliver(client, id, message);
    } else {
      // The client refetches its screens; from here on it is live.
      const head = info?.lastGeneratedId ?? this.lastId ?? '0-0';
      this.write(client, `id: ${head}\nevent: resync\ndata: {}\n\n`);
      client.cursor = head;
      client.sentId = head;
    }
    const pending = client.pending ?? [];
    client.pending = null;
    for (const [id, message] of pending) this.deliver(client, id, message);
  }

  /**
   * The heartbeat: a comment every FLUX_HEARTBEAT_MS (proxies and load balancers close idle
   * connections); and when entries went by that were not for this client, their last id as an
   * empty `curseur` event, so that a resume replays from there rather than from its last event.
   */
  private beat(): void {
    for (const client of this.clients) {
      if (client.pending) continue;
      if (client.cursor !== null && client.cursor !== client.sentId) {
        this.write(client, `id: ${client.cursor}\nevent: curseur\ndata:\n\n`);
        client.sentId = client.cursor;
      } else this.write(client, ': ping\n\n');
    }
  }
}

/**
 * Could entries after `after` be gone? Trimming (MAXLEN) removes the oldest entries without
 * recording which (max-deleted-entry-id only follows XDEL): once anything was trimmed, an id
 * older than the first entry kept may have missed some. An id beyond the stream's last one comes
 * from a Redis that lost its data. Either way, the client must refetch.
 */
export function missedBeyondReach(after: string, info: StreamInfo): boolean {
  if (compareStreamIds(after, info.lastGeneratedId) > 0) return true;
  if (compareStreamIds(after, info.maxDeletedId) < 0) return true;
  if (info.entriesAdded <= info.length) return false;
  return info.length === 0 ? compareStreamIds(after, info.lastGeneratedId) < 0 : compareStreamIds(after, info.firstId) < 0;
}
