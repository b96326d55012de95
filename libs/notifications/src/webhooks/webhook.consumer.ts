import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, OutboxConsumer, OutboxEvent } from '@app/core';
import { webhookPayload } from './webhook.payload';
import { WebhookQueue } from './webhook.queue';
import { parseRetrySchedule } from './webhook.retry';
import { isWebhookEventType } from './webhook.types';

/** How soon a new endpoint's subscription to SLA events is followed. */
const SUBSCRIPTION_REFRESH_MS = 2_000;

/**
 * Turns a ticket event into one delivery per active endpoint subscribed to its type, in the
 * consumer's transaction (ON CONFLICT DO NOTHING on (endpoint, event): a redelivered event adds
 * nothing), and enqueues their first attempt once committed. Internal events (an internal note)
 * are not published: what happens inside a unit stays there.
 */
@Injectable()
export class WebhookConsumer implements OutboxConsumer {
  readonly name = 'webhooks';
  private readonly maxAttempts: number;
  /**
   * The SLA event types some active endpoint subscribes to; null until first read (then every
   * type is taken). Per worker process, stale by SUBSCRIPTION_REFRESH_MS at most: a new
   * subscription to SLA events starts within that on every worker.
   */
  private slaTypesSubscribed: Set<string> | null = null;
  private watch: NodeJS.Timeout | null = null;
  private watching = false;

  constructor(
    private readonly queue: WebhookQueue,
    config: AppConfig,
  ) {
    this.maxAttempts = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE).length + 1;
  }

  /**
   * SLA fires come in bursts of hundreds a second, and the relay gives no job to an event no
   * consumer takes: so they are taken only while some endpoint subscribes to them (read every
   * SUBSCRIPTION_REFRESH_MS). Ticket events have jobs anyway (the SLA consumer takes them).
   */
  handles(type: string): boolean {
    if (!isWebhookEventType(type)) return false;
    return !type.startsWith('sla.') || this.slaTypesSubscribed === null || this.slaTypesSubscribed.has(type);
  }

  /** Follows the endpoints' subscriptions to SLA events (the worker calls it at start). */
  watchSubscriptions(dataSource: DataSource): void {
    const refresh = async () => {
      try {
        const rows: Array<{ type: string }> = await dataSource.query(`SELECT DISTINCT unnest(types) AS type FROM webhook_endpoint WHERE actif`);
        this.slaTypesSubscribed = new Set(rows.map((r) => r.type).filter((t) => t.startsWith('sla.')));
      } catch {
        // PostgreSQL away: keep the last reading (or take every type until the first one).
      }
      if (this.watching) this.watch = setTimeout(() => void refresh(), SUBSCRIPTION_REFRESH_MS).unref();
    };
    this.watching = true;
    void refresh();
  }

  stopWatching(): void {
    this.watching = false;
    if (this.watch) clearTimeout(this.watch);
    this.watch = null;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void | (() => Promise<void>)> {
    if (event.payload.visibilite === 'interne') return;
    const endpoints: Array<{ id: string }> = await manager.query(`SELECT id FROM webhook_endpoint WHERE actif AND $1 = ANY(types) ORDER BY id`, [event.type]);
    if (endpoints.length === 0) return;
    const table = event.aggregateType === 'commande' ? 'commande' : 'question';
    const [facts]: Array<{ occurred_at: Date; seq: number | null; reference: string | null; statut: string | null }> = await manager.query(
      `SELECT o.occurred_at, t.seq, k.reference, k.statut
         FROM outbox o
         LEFT JOIN timeline_event t ON t.id = o.id
         LEFT JOIN ${table} k ON k.id = o.aggregate_id
        WHERE o.id = $1`,
      [event.eventId],
    );
    const body = JSON.stringify(webhookPayload(event, { seq: facts?.seq ?? null, reference: facts?.reference ?? null, statut: facts?.statut ?? null }, facts?.occurred_at ?? new Date()));
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO webhook_livraison (id, endpoint_id, evenement_id, type, payload, statut, tentatives, tentatives_max, prochaine_tentative_a, creee_a)
       SELECT id, endpoint_id, $3, $4, $5, 'en_attente', 0, $6, now(), now() FROM unnest($1::uuid[], $2::uuid[]) AS l(id, endpoint_id)
       ON CONFLICT (endpoint_id, evenement_id) DO NOTHING RETURNING id`,
      [endpoints.map(() => randomUUID()), endpoints.map((e) => e.id), event.eventId, event.type, body, this.maxAttempts],
    );
    if (inserted.length === 0) return;
    // Lost if Redis fails here: the reconciler finds the rows (due, without a job) and enqueues them.
    return () => this.queue.enqueue(inserted.map((r) => ({ livraisonId: r.id, tentative: 0 })));
  }
}
