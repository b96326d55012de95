import { Logger } from '@nestjs/common';
import { safeError, SafeError } from './safe-error';

/** How often an outage that lasts is logged again, per connection. */
export const OUTAGE_LOG_EVERY_MS = 60_000;

/**
 * The log of one connection's outage (a Redis connection, the outbox listener, the relay's
 * database work): the first failure at once, then one line a minute while it lasts (with how
 * many failures it stood for), and one line when it is over. A reconnecting client fails every
 * second or two; one stack each would drown every other line.
 *
 * Only the error's message and code are logged: never its stack, nor a database error's
 * parameters (they may carry personal data).
 */
export class OutageLog {
  private down: { since: number; loggedAt: number; lastAt: number; failures: number } | null = null;

  constructor(
    private readonly logger: Logger,
    private readonly connection: string,
    private readonly options: {
      everyMs?: number;
      /**
       * For sources that report failures but not recoveries (BullMQ's 'error' events): no
       * failure for this long ends the outage, so the next failure is logged at once.
       */
      quietEndsAfterMs?: number;
      now?: () => number;
    } = {},
  ) {}

  get failing(): boolean {
    return this.down !== null;
  }

  /** A failure: logged when it starts the outage or a minute after the last line. Returns whether it logged. */
  failure(err: unknown, message: string): boolean {
    const now = (this.options.now ?? Date.now)();
    const quiet = this.options.quietEndsAfterMs;
    if (this.down && quiet !== undefined && now - this.down.lastAt > quiet) this.down = null;
    if (!this.down) {
      this.down = { since: now, loggedAt: now, lastAt: now, failures: 1 };
      this.logger.warn({ err: errorSummary(err), connection: this.connection }, message);
      return true;
    }
    this.down.failures += 1;
    this.down.lastAt = now;
    if (now - this.down.loggedAt < (this.options.everyMs ?? OUTAGE_LOG_EVERY_MS)) return false;
    this.logger.warn(
      { err: errorSummary(err), connection: this.connection, downForS: Math.round((now - this.down.since) / 1000), failures: this.down.failures },
      `${message} (still failing)`,
    );
    this.down.loggedAt = now;
    this.down.failures = 0;
    return true;
  }

  /** Success: ends the outage, with one line if there was one. */
  recovered(message: string): void {
    if (!this.down) return;
    const downForS = Math.round(((this.options.now ?? Date.now)() - this.down.since) / 1000);
    this.down = null;
    this.logger.log({ connection: this.connection, downForS }, message);
  }
}

/**
 * What may be logged of an error here: its message, masked as safeError masks it (a database
 * error may quote a value), and its code (pg, Node and ioredis errors have one).
 */
export function errorSummary(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const { message } = safeError(err) as SafeError;
    const code = (err as { code?: unknown }).code ?? (err as { driverError?: { code?: unknown } }).driverError?.code;
    return { message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(err) };
}
