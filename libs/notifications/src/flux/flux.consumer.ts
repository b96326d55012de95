import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { EntityManager } from 'typeorm';
import { AppConfig, OutboxConsumer, OutboxEvent, queuesOnPostgres, redisOptions } from '@app/core';
import { NOTIFICATION_CREEE, NotificationCreeePayload } from '../notification.types';
import { CommandeAudience, FLUX_CHANNEL, FLUX_MAXLEN, FluxFilMessage, FluxMessage, FluxNotificationMessage, fluxStreamKey, QuestionAudience } from './flux.types';

/** Entries written by this process between two trims of `flux_entree` (PostgreSQL mode). */
const TRIM_EVERY = 1_000;

/** The ticket events the live stream carries: every event of a ticket's fil. */
const TICKET_EVENT = /^(question|commande|affectation|sla)\./;

/**
 * Writes the live stream (ADR 0012): one Redis Stream entry per ticket event (with the audience
 * the API needs to filter it) and per notification created. The XADD runs inside the consumer's
 * transaction, before its idempotency claim commits: if Redis refuses, the claim rolls back and
 * the outbox retries; if the commit fails after the XADD, the retry writes the entry again,
 * which clients drop by its event id (at least once, never lost).
 * With FILES_ATTENTE=postgres (ADR 0022) the entries are rows of `flux_entree`, inserted in that
 * same transaction: they commit with the claim or not at all (exactly once).
 */
@Injectable()
export class FluxConsumer implements OutboxConsumer, OnApplicationShutdown {
  readonly name = 'flux';
  private readonly logger = new Logger('Flux');
  private readonly key: string;
  private redis: Redis | null = null;
  private readonly onPostgres: boolean;
  private writtenSinceTrim = 0;

  constructor(private readonly config: AppConfig) {
    this.key = fluxStreamKey(config.QUEUE_PREFIX);
    this.onPostgres = queuesOnPostgres(config);
  }

  handles(type: string): boolean {
    return TICKET_EVENT.test(type) || type === NOTIFICATION_CREEE;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void> {
    const messages = event.type === NOTIFICATION_CREEE ? await notificationMessages(manager, event) : await filMessages(manager, event);
    if (messages.length === 0) return;
    if (this.onPostgres) return this.insert(messages, manager);
    const pipeline = this.connection().pipeline();
    for (const m of messages) pipeline.xadd(this.key, 'MAXLEN', '~', FLUX_MAXLEN, '*', 'm', JSON.stringify(m));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /**
   * In the consumer's transaction: the rows get their stream position at commit (the table's
   * deferred trigger, under FLUX_LOCK only for the commit itself), and the NOTIFY is delivered
   * then too.
   */
  private async insert(messages: FluxMessage[], manager: EntityManager): Promise<void> {
    await manager.query(`INSERT INTO flux_entree (message) SELECT m FROM unnest($1::jsonb[]) AS m`, [messages.map((m) => JSON.stringify(m))]);
    await manager.query(`SELECT pg_notify($1, '')`, [FLUX_CHANNEL]);
    this.writtenSinceTrim += messages.length;
    if (this.writtenSinceTrim < TRIM_EVERY) return;
    this.writtenSinceTrim = 0;
    // MAXLEN: keep the last FLUX_MAXLEN positions; the bound is recorded first, so a reader knows what is gone.
    await manager.query(
      `WITH bound AS (UPDATE flux_etat SET coupe_jusqu_a = greatest(coupe_jusqu_a, (SELECT coalesce(max(position), 0) FROM flux_entree) - $1) WHERE id = 1 RETURNING coupe_jusqu_a)
       DELETE FROM flux_entree WHERE position <= (SELECT coupe_jusqu_a FROM bound)`,
      [FLUX_MAXLEN],
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }

  /**
   * Its own connection, opened on first use: commands wait for the connection (the first event
   * after start) but fail after one reconnection attempt, so an outage fails the outbox job,
   * which is retried, instead of holding it.
   */
  private connection(): Redis {
    if (!this.redis) {
      this.redis = new Redis({
        ...redisOptions(this.config.REDIS_URL, 'producer'),
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        commandTimeout: 5_000,
        connectionName: 'relais-worker-flux',
      });
      let down = false;
      this.redis.on('error', (err: Error) => {
        if (!down) this.logger.warn({ err: { message: err.message } }, 'Redis unreachable (live stream); reconnecting');
        down = true;
      });
      this.redis.on('ready', () => (down = false));
    }
    return this.redis;
  }
}

/** The notifications announced by a notification.creee event, as the contract describes them. */
async function notificationMessages(manager: EntityManager, event: OutboxEvent): Promise<FluxMessage[]> {
  const payload = event.payload as unknown as NotificationCreeePayload;
  const ids = (payload.notifications ?? []).map((n) => n.id);
  if (ids.length === 0) return [];
  const rows: any[] = await manager.query(
    `SELECT id, destinataire_id, type, titre, lien, ticket_type, ticket_id, reference FROM notification WHERE id = ANY($1::uuid[]) ORDER BY creee_a, id`,
    [ids],
  );
  return rows.map(
    (r): FluxNotificationMessage => ({
      k: 'notification',
      id: r.id,
      destinataireId: r.destinataire_id,
      type: r.type,
      titre: r.titre,
      lien: r.lien,
      ticketType: r.ticket_type,
      ticketId: r.ticket_id,
      reference: r.reference,
    }),
  );
}

/** The ticket event as the fil records it (never its data: a note's text stays in the database), with its audience now. */
async function filMessages(manager: EntityManager, event: OutboxEvent): Promise<FluxMessage[]> {
  // The event and its ticket's audience in one statement (issue #17: the worker's round trips
  // are CPU the API does not get); the ticket's columns are null for the other ticket type.
  const [e]: any[] = await manager.query(
    `SELECT e.ticket_type, e.ticket_id, e.seq, e.type, e.at, e.visibilite, e.unite_type, e.unite_id,
            coalesce(q.reference, c.reference) AS reference,
            q.id AS question_id, q.maison_id, q.direction_id, q.referent_id,
            CASE WHEN q.id IS NOT NULL THEN ARRAY(SELECT d.id FROM direction d
                   WHERE EXISTS (SELECT 1 FROM question_acces_direction a
                                  WHERE a.direction_id = d.id AND a.question_created_at = q.created_at AND a.question_id = q.id)) END AS direction_ids,
            c.id AS commande_id, c.statut, c.emetteur_unite_type, c.emetteur_unite_id,
            CASE WHEN c.id IS NOT NULL THEN ARRAY(SELECT a.maison_id FROM affectation a WHERE a.commande_id = c.id) END AS maison_ids,
            CASE WHEN c.id IS NOT NULL THEN ARRAY(SELECT u.id FROM users u
                   WHERE u.actif AND lower(u.email) IN (SELECT lower(trim(x->>'email')) FROM jsonb_array_elements(c.contacts) x WHERE x->>'email' IS NOT NULL)) END AS contact_ids
       FROM timeline_event e
       LEFT JOIN question q ON e.ticket_type = 'question' AND q.id = e.ticket_id
       LEFT JOIN commande c ON e.ticket_type = 'commande' AND c.id = e.ticket_id
      WHERE e.id = $1`,
    [event.eventId],
  );
  if (!e) return [];
  const audience = e.ticket_type === 'question' ? questionAudience(e) : commandeAudience(e);
  if (!audience) return [];
  const message: FluxFilMessage = {
    k: 'fil',
    eventId: event.eventId,
    ticketType: e.ticket_type,
    ticketId: e.ticket_id,
    reference: e.reference,
    seq: e.seq,
    type: e.type,
    at: new Date(e.at).toISOString(),
    visibilite: e.visibilite,
    unite: e.unite_type ? { type: e.unite_type, id: e.unite_id } : null,
    audience,
  };
  return [message];
}

/**
 * Read when the event is handled, not when it happened: access only grows (a direction that held
 * a question keeps reading it), and the API's read answers with today's scope too. The
 * directions are one probe of question_acces_direction's primary key per direction (a few
 * dozen), rather than a scan of the table by question.
 */
function questionAudience(row: any): QuestionAudience | null {
  if (!row.question_id) return null;
  return { ticketType: 'question', maisonId: row.maison_id, directionId: row.direction_id, referentId: row.referent_id, directionIds: row.direction_ids };
}

function commandeAudience(row: any): CommandeAudience | null {
  if (!row.commande_id) return null;
  return {
    ticketType: 'commande',
    statut: row.statut,
    emetteurUnite: row.emetteur_unite_type === 'cabinet' ? { type: 'cabinet', id: null } : { type: 'direction', id: row.emetteur_unite_id },
    maisonIds: row.maison_ids,
    contactIds: row.contact_ids,
  };
}
