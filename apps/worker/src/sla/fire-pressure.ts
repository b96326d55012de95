import { Injectable, OnModuleDestroy } from '@nestjs/common';

/** How long after its last batch of fires this process still counts as firing: fires come in bursts with gaps of milliseconds. */
export const FIRE_QUIET_MS = 250;
/**
 * Fires batched together from which the process is under pressure: fires that had to wait for
 * the batch before them. A lone fire (the daily case: a clock here and there) is no burst and
 * leaves the outbox worker alone.
 */
export const FIRE_PRESSURE_BATCH = 2;

/**
 * Whether this worker process is firing a burst of SLA timers, for its outbox worker to yield to
 * them (issue #17). A breach costs one fire transaction, then its outbox consumers (live stream,
 * notifications, and the notification's own consumers): four times the fire's work, on the
 * same two cores and the same PostgreSQL. When many clocks fall due together (the opening
 * hour after a long weekend, say) the consumers of the first breaches held the next fires
 * back by seconds. Under pressure the outbox worker takes fewer jobs at once
 * (OUTBOX_CONCURRENCY_DURING_FIRES): the fires stay on time and the consumers' backlog (the
 * breaches' notifications among it) drains as soon as the burst is over.
 *
 * Per process: a second worker process yields to its own fires only.
 */
@Injectable()
export class FirePressure implements OnModuleDestroy {
  private firing = 0;
  private busy = false;
  private quiet: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(busy: boolean) => void>();

  /**
   * Runs a batch of `fires` fires; from FIRE_PRESSURE_BATCH fires on, under pressure, which ends
   * FIRE_QUIET_MS after the last such batch ends.
   */
  async during<T>(fires: number, fire: () => Promise<T>): Promise<T> {
    if (fires < FIRE_PRESSURE_BATCH) return fire();
    this.firing += 1;
    if (this.quiet) clearTimeout(this.quiet);
    this.quiet = null;
    this.set(true);
    try {
      return await fire();
    } finally {
      this.firing -= 1;
      if (this.firing === 0) {
        this.quiet = setTimeout(() => {
          this.quiet = null;
          this.set(false);
        }, FIRE_QUIET_MS);
      }
    }
  }

  get underPressure(): boolean {
    return this.busy;
  }

  /** Calls `listener` at each change, and returns how to stop. */
  onChange(listener: (busy: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    for (const listener of this.listeners) listener(busy);
  }

  onModuleDestroy(): void {
    if (this.quiet) clearTimeout(this.quiet);
    this.listeners.clear();
  }
}
