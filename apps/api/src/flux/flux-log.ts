import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { FLUX_CHANNEL, FluxMessage } from '@app/notifications';
import { closeRedis, createApiRedis } from '../ops/redis-connection';

/** An entry of the live stream: its stream id and its message (null: unreadable, skipped). */
export type FluxEntry = [string, FluxMessage | null];

/** What the hub needs to know of the stream's bounds to decide between a replay and a `resync`. */
export interface StreamInfo {
  length: number;
  entriesAdded: number;
  firstId: string;
  lastGeneratedId: string;
  maxDeletedId: string;
}

/**
 * Where the live stream's entries are read from (ADR 0012): a Redis Stream, or with
 * FILES_ATTENTE=postgres the table `flux_entree` (ADR 0022). Ids are stream ids either way.
 */
export interface FluxLog {
  start(): void;
  /** Both the reader and the replays can be served. */
  ready(): boolean;
  /** The id of the last entry (reading starts there at boot). */
  end(): Promise<string>;
  /** Up to `count` entries after `after`, waiting up to `blockMs` for one. */
  read(after: string, count: number, blockMs: number): Promise<FluxEntry[]>;
  /** Up to `count` entries after `after`, without waiting (replays). */
  range(after: string, count: number): Promise<FluxEntry[]>;
  /** The stream's bounds; null when there is no stream at all. */
  info(): Promise<StreamInfo | null>;
  /** Ends a pending read at once (shutdown). */
  interrupt(): void;
  close(): Promise<void>;
}

/** The Redis Stream: one blocking XREAD on its own connection, XRANGE and XINFO on another. */
export class RedisFluxLog implements FluxLog {
  private reader: Redis | null = null;
  private commands: Redis | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly key: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    // A blocking command holds its connection: the reader has its own, the replays another.
    this.reader = createApiRedis(this.config.REDIS_URL, 'relais-api-flux-reader', this.logger);
    this.commands = createApiRedis(this.config.REDIS_URL, 'relais-api-flux', this.logger);
  }

  ready(): boolean {
    return this.commands?.status === 'ready' && this.reader?.status === 'ready';
  }

  async end(): Promise<string> {
    const [last] = (await this.reader!.xrevrange(this.key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    return last?.[0] ?? '0-0';
  }

  async read(after: string, count: number, blockMs: number): Promise<FluxEntry[]> {
    const answer = (await this.reader!.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, after)) as Array<[string, Array<[string, string[]]>]> | null;
    return (answer ?? []).flatMap(([, entries]) => entries.map(([id, fields]): FluxEntry => [id, parse(fields)]));
  }

  async range(after: string, count: number): Promise<FluxEntry[]> {
    const page = (await this.commands!.xrange(this.key, `(${after}`, '+', 'COUNT', count)) as Array<[string, string[]]>;
    return page.map(([id, fields]): FluxEntry => [id, parse(fields)]);
  }

  /** What XINFO STREAM says of the stream's bounds; null when there is no stream (never written, or Redis lost it). */
  async info(): Promise<StreamInfo | null> {
    try {
      const flat = (await this.commands!.call('XINFO', 'STREAM', this.key)) as unknown[];
      const field = (name: string) => (flat.includes(name) ? flat[flat.indexOf(name) + 1] : undefined);
      const lastGeneratedId = String(field('last-generated-id'));
      const first = field('first-entry') as [string, string[]] | null | undefined;
      // entries-added, recorded-first-entry-id and max-deleted-entry-id are Redis 7's; on 6.2,
      // assume something was trimmed (a client older than the first entry resyncs).
      return {
        length: Number(field('length')),
        entriesAdded: field('entries-added') === undefined ? Number.POSITIVE_INFINITY : Number(field('entries-added')),
        firstId: String(field('recorded-first-entry-id') ?? first?.[0] ?? lastGeneratedId),
        lastGeneratedId,
        maxDeletedId: String(field('max-deleted-entry-id') ?? '0-0'),
      };
    } catch (err) {
      if (/no such key/i.test((err as Error).message)) return null;
      throw err;
    }
  }

  interrupt(): void {
    // Aborts the pending XREAD at once rather than after its block time.
    this.reader?.disconnect();
  }

  async close(): Promise<void> {
    if (this.commands) await closeRedis(this.commands);
  }
}

/**
 * The table `flux_entree` (FILES_ATTENTE=postgres, ADR 0022): one LISTEN connection per API
 * process wakes the reader at each commit of the worker's flux consumer; reads and replays are
 * queries on the application's pool (`position > after`, which skips nothing: positions are
 * given at commit, in order, under FLUX_LOCK). Without a NOTIFY (missed while reconnecting) the reader still reads
 * every `blockMs`.
 */
export class PostgresFluxLog implements FluxLog {
  private listener: Client | null = null;
  private listening = false;
  private stopped = false;
  /** A NOTIFY came since the last read began: the next wait returns at once. */
  private notified = false;
  private wake: (() => void) | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private down = false;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.listen(0);
  }

  private async listen(failures: number): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'relais-api-flux-listener', keepAlive: true });
    const lost = (err: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      if (!this.down) this.logger.warn({ err: { message: err.message } }, 'PostgreSQL LISTEN of the live stream lost; reconnecting');
      this.down = true;
      this.reconnect = setTimeout(() => void this.listen(failures + 1), Math.min(200 * 2 ** failures, 2_000));
      this.reconnect.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('LISTEN connection ended')));
    client.on('notification', () => this.notify());
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${FLUX_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listening = true;
    if (this.down) this.logger.log('PostgreSQL LISTEN of the live stream back');
    this.down = false;
    // Whatever committed while not listening is read now.
    this.notify();
  }

  private notify(): void {
    this.notified = true;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  ready(): boolean {
    return this.listening && this.dataSource.isInitialized;
  }

  async end(): Promise<string> {
    const [row] = await this.dataSource.query(`SELECT greatest(coalesce((SELECT max(position) FROM flux_entree), 0), (SELECT coupe_jusqu_a FROM flux_etat WHERE id = 1))::text AS last`);
    return `${row?.last ?? 0}-0`;
  }

  async read(after: string, count: number, blockMs: number): Promise<FluxEntry[]> {
    this.notified = false;
    const entries = await this.range(after, count);
    if (entries.length > 0 || this.stopped) return entries;
    if (!this.notified) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, blockMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.stopped ? [] : this.range(after, count);
  }

  async range(after: string, count: number): Promise<FluxEntry[]> {
    const rows: Array<{ id: string; message: FluxMessage }> = await this.dataSource.query(
      `SELECT e.position::text AS id, e.message FROM flux_entree e WHERE e.position > $1 ORDER BY e.position LIMIT $2`,
      [rowId(after), count],
    );
    return rows.map((r): FluxEntry => [`${r.id}-0`, r.message ?? null]);
  }

  /**
   * The trimmed bound plays max-deleted-entry-id: an id below it may have missed entries; an id
   * beyond the last entry comes from another database (restored, or recreated).
   */
  async info(): Promise<StreamInfo> {
    const [row] = await this.dataSource.query(
      `SELECT e.coupe_jusqu_a::text AS coupe, (SELECT max(position) FROM flux_entree)::text AS last FROM flux_etat e WHERE e.id = 1`,
    );
    return tableStreamInfo(row?.coupe ?? '0', row?.last ?? null);
  }

  interrupt(): void {
    this.stopped = true;
    this.notify();
    if (this.reconnect) clearTimeout(this.reconnect);
  }

  async close(): Promise<void> {
    this.interrupt();
    const client = this.listener;
    this.listener = null;
    this.listening = false;
    if (client) await client.end().catch(() => undefined);
  }
}

/**
 * The bounds of `flux_entree` as a stream's: `coupe` (the last id trimmed) is what the stream
 * may have lost, so it plays max-deleted-entry-id; the last row (or, none left, the bound) is
 * the last generated id. Nothing else was trimmed (entries-added = length).
 */
export function tableStreamInfo(coupe: string, last: string | null): StreamInfo {
  const head = last ?? coupe;
  return { length: 0, entriesAdded: 0, firstId: `${head}-0`, lastGeneratedId: `${head}-0`, maxDeletedId: `${coupe}-0` };
}

/** The position of a stream id `<position>-0` (the hub only passes ids it validated or made). */
function rowId(streamId: string): string {
  return streamId.split('-')[0];
}

function parse(fields: string[]): FluxMessage | null {
  const index = fields.indexOf('m');
  if (index < 0) return null;
  try {
    return JSON.parse(fields[index + 1]) as FluxMessage;
  } catch {
    return null;
  }
}
