import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, ShutdownSignal } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** SIGTERM from Docker/Kubernetes/systemd, SIGINT from Ctrl-C. */
export const SHUTDOWN_SIGNALS = [ShutdownSignal.SIGTERM, ShutdownSignal.SIGINT];

/** Exit code of a shutdown that did not finish in time (a clean one exits 0). */
export const FORCED_EXIT_CODE = 1;

/**
 * Bounds a shutdown. Nest's hooks (`enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true })`)
 * close the app and exit 0, but any step can hang (a request that never ends, a job that does
 * not return, a database that does not answer): the first signal arms a timer that exits after
 * SHUTDOWN_TIMEOUT_MS anyway, before the orchestrator's SIGKILL and with a log line saying why.
 * A second signal exits at once (Ctrl-C twice).
 */
@Injectable()
export class BoundedShutdown implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger('Shutdown');
  private signalled = false;
  protected startedAt: number | null = null;

  constructor(protected readonly config: AppConfig) {}

  /** True from the first shutdown signal (or `app.close()`) on. */
  get shuttingDown(): boolean {
    return this.startedAt !== null;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.signalled) {
      this.logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(FORCED_EXIT_CODE);
    }
    this.signalled = true;
    this.startedAt ??= Date.now();
    const timeoutMs = this.config.SHUTDOWN_TIMEOUT_MS;
    this.logger.log({ signal, timeoutMs }, 'shutting down');
    // unref: the timer alone must not keep alive a process that has finished its shutdown.
    setTimeout(() => {
      this.logger.error({ signal, timeoutMs }, 'shutdown did not finish in time: forced exit');
      process.exit(FORCED_EXIT_CODE);
    }, timeoutMs).unref();
  };

  onApplicationBootstrap(): void {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, this.onSignal);
  }

  onApplicationShutdown(): void {
    // An app closed without a signal (tests) must not leave listeners on the process.
    for (const signal of SHUTDOWN_SIGNALS) process.removeListener(signal, this.onSignal);
    if (this.signalled) this.logger.log({ durationMs: Date.now() - this.startedAt! }, 'shutdown complete');
  }
}
