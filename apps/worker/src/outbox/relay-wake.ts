import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL, OutageLog } from '@app/core';
import { OutboxRelayService } from './outbox-relay.service';

/**
 * Shortest gap between two wake-ups sent to another process: under a burst of fires (hundreds a
 * second) one NOTIFY per fired batch would cost a commit each (PostgreSQL gives a notifying
 * transaction an id, hence a WAL flush), for a relay that drains everything at each wake-up.
 */
export const REMOTE_WAKE_GAP_MS = 20;

/**
 * Wakes the outbox relay once SLA fires committed: fires skip the outbox NOTIFY on purpose
 * (SlaFirer), and waiting for the relay's next poll (up to OUTBOX_POLL_MS) would make a breach
 * reach its holder's inbox that much later.
 * - With the relay in this process (WORKER_ROLE=all), in process: it costs no commit.
 * - Without it (WORKER_ROLE=timers), one `pg_notify` on the relay's channel, at most one in
 *   flight and one every REMOTE_WAKE_GAP_MS; the wake-ups asked meanwhile are one. A lost one
 *   (PostgreSQL away) costs one poll period, as a missed NOTIFY always did.
 */
@Injectable()
export class RelayWake {
  private readonly outage = new OutageLog(new Logger(RelayWake.name), 'relay-wake');
  private sending = false;
  private pending = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Optional() private readonly local?: OutboxRelayService,
  ) {}

  wake(): void {
    if (this.local) {
      void this.local.relay.wake();
      return;
    }
    this.pending = true;
    if (!this.sending) void this.send();
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending) {
        this.pending = false;
        const sent = Date.now();
        await this.dataSource.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).then(
          () => this.outage.recovered('outbox relay wake-ups sent again'),
          (err: unknown) => this.outage.failure(err, 'outbox relay wake-up not sent; it polls'),
        );
        const rest = REMOTE_WAKE_GAP_MS - (Date.now() - sent);
        if (this.pending && rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      }
    } finally {
      this.sending = false;
    }
  }
}
