import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { ABANDONNEE } from './webhook.admin';
import { WebhookQueue } from './webhook.queue';
import { nextRetryDelay, parseRetrySchedule } from './webhook.retry';

/** What one run of a delivery job did. */
export type SendOutcome =
  | { kind: 'absent' | 'terminee' }
  /** Not due yet, or held by another worker, or the endpoint has its maximum in flight: run again at `at`. */
  | { kind: 'plus_tard'; at: Date }
  | { kind: 'livree'; status: number }
  | { kind: 'reessai'; at: Date; erreur: string }
  | { kind: 'echouee'; erreur: string };

/** Beyond the timeout, how long a claim outlives its attempt (the time to record the outcome). */
const CLAIM_MARGIN_MS = 30_000;
/** How long deliveries stay listed once done: delivered ones a month, failed ones a quarter (time to replay them). */
export const LIVREE_RETENTION_DAYS = 30;
export const ECHOUEE_RETENTION_DAYS = 90;
/** Characters of the receiver's answer kept with a failure: enough to diagnose, not a copy. */
const EXCERPT_CHARS = 200;

interface Claimed {
  id: string;
  endpoint_id: string;
  url: string;
  secret: string;
  payload: string;
  tentatives: number;
  tentatives_max: number;
  jeton: string;
}

/**
 * Sends one attempt of one delivery (ADR 0011). The row decides everything: a delivery already
 * livree or echouee is left alone (a job run twice does nothing), one not yet due waits. The
 * claim locks the endpoint row, so that no more than WEBHOOK_CONCURRENCY_PER_ENDPOINT attempts
 * are in flight to one receiver across all workers: a receiver that hangs holds that many slots
 * for the timeout at most, and the others are served meanwhile.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly schedule: number[];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: WebhookQueue,
    private readonly config: AppConfig,
  ) {
    this.schedule = parseRetrySchedule(config.WEBHOOK_RETRY_SCHEDULE);
  }

  async deliver(livraisonId: string): Promise<SendOutcome> {
    const claim = await this.claim(livraisonId);
    if (!('jeton' in claim)) return claim;
    const result = await this.send(claim);
    const outcome = await this.record(claim, result);
    // A slot of this endpoint is free again: wake the attempts parked behind it.
    await this.wakeParked(claim.endpoint_id).catch((err) => this.logger.warn({ err, endpointId: claim.endpoint_id }, 'could not wake parked webhook deliveries'));
    return outcome;
  }

  private claim(livraisonId: string): Promise<Claimed | SendOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ endpoint_id: string }> = await manager.query(`SELECT endpoint_id FROM webhook_livraison WHERE id = $1`, [livraisonId]);
      if (!row) return { kind: 'absent' } as const;
      // The endpoint's lock serializes the claims of its deliveries (the in-flight count below is then exact).
      const [endpoint]: Array<{ url: string; secret: string; actif: boolean }> = await manager.query(
        `SELECT url, secret, actif FROM webhook_endpoint WHERE id = $1 FOR UPDATE`,
        [row.endpoint_id],
      );
      const [l]: Array<{ statut: string; tentatives: number; tentatives_max: number; payload: string; due: Date; busy_until: Date | null; now: Date }> = await manager.query(
        `SELECT statut, tentatives, tentatives_max, payload, prochaine_tentative_a AS due,
                CASE WHEN en_cours_jusqua > now() THEN en_cours_jusqua END AS busy_until, now() AS now
           FROM webhook_livraison WHERE id = $1 FOR UPDATE`,
        [livraisonId],
      );
      if (l.statut !== 'en_attente') return { kind: 'terminee' } as const;
      if (!endpoint?.actif) {
        await manager.query(
          `UPDATE webhook_livraison SET statut = 'echouee', derniere_erreur = $2, en_cours_jusqua = NULL, jeton = NULL WHERE id = $1`,
          [livraisonId, ABANDONNEE],
        );
        return { kind: 'echouee', erreur: 'endpoint inactive' } as const;
      }
      if (l.busy_until) return { kind: 'plus_tard', at: l.busy_until } as const;
      if (l.due > l.now) return { kind: 'plus_tard', at: l.due } as const;
      const [{ n, first_free }]: Array<{ n: number; first_free: Date | null }> = await manager.query(
        `SELECT count(*)::int AS n, min(en_cours_jusqua) AS first_free FROM webhook_livraison WHERE endpoint_id = $1 AND en_cours_jusqua > now()`,
        [row.endpoint_id],
      );
      // Parked until the first claim lapses at worst; a finished attempt wakes it sooner (wakeParked).
      if (n >= this.config.WEBHOOK_CONCURRENCY_PER_ENDPOINT) return { kind: 'plus_tard', at: first_free ?? new Date(l.now.getTime() + 1000) } as const;
      const jeton = randomUUID();
      await manager.query(
        `UPDATE webhook_livraison SET en_cours_jusqua = now() + make_interval(secs => $2), jeton = $3 WHERE id = $1`,
        [livraisonId, (this.config.WEBHOOK_TIMEOUT_MS + CLAIM_MARGIN_MS) / 1000, jeton],
      );
      return { id: livraisonId, endpoint_id: row.endpoint_id, url: endpoint.url, secret: endpoint.secret, payload: l.payload, tentatives: l.tentatives, tentatives_max: l.tentatives_max, jeton };
    });
  }

  /** One POST, signed for this attempt; redirects are not followed (the admin registered this URL, not another). */
  private async send(claim: Claimed): Promise<{ ok: boolean; status: number | null; erreur: string | null }> {
    const sentAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Relais-Webhooks/1.0',
      'webhook-id': claim.id,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': new Webhook(claim.secret).sign(claim.id, sentAt, claim.payload),
    };
    try {
      const response = await fetch(claim.url, { method: 'POST', headers, body: claim.payload, redirect: 'manual', signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS) });
      const ok = response.status >= 200 && response.status < 300;
      const excerpt = ok ? '' : await readExcerpt(response);
      if (ok) await response.body?.cancel().catch(() => undefined);
      const redirect = response.status >= 300 && response.status < 400 ? ' (redirection non suivie)' : '';
      return { ok, status: response.status, erreur: ok ? null : `HTTP ${response.status}${redirect}${excerpt ? ` : ${excerpt}` : ''}` };
    } catch (err) {
      const name = (err as Error)?.name;
      const erreur = name === 'TimeoutError' || name === 'AbortError' ? `Pas de réponse en ${this.config.WEBHOOK_TIMEOUT_MS} ms` : `Échec de connexion : ${describeFetchError(err)}`;
      return { ok: false, status: null, erreur };
    }
  }

  /** Writes the attempt's outcome if the claim is still ours (a lapsed claim's outcome is dropped: another attempt is under way). */
  private async record(claim: Claimed, result: { ok: boolean; status: number | null; erreur: string | null }): Promise<SendOutcome> {
    const attempt = claim.tentatives + 1;
    if (result.ok) {
      await this.dataSource.query(
        `UPDATE webhook_livraison SET statut = 'livree', tentatives = $3, livree_a = now(), derniere_tentative_a = now(), dernier_statut_http = $4,
                derniere_erreur = NULL, en_cours_jusqua = NULL, jeton = NULL
          WHERE id = $1 AND jeton = $2`,
        [claim.id, claim.jeton, attempt, result.status],
      );
      return { kind: 'livree', status: result.status! };
    }
    const delay = nextRetryDelay(this.schedule, attempt, claim.tentatives_max);
    const erreur = (result.erreur ?? 'Échec').slice(0, 300);
    const rows: Array<{ at: Date }> = await this.dataSource.query(
      `UPDATE webhook_livraison SET statut = $5, tentatives = $3, derniere_tentative_a = now(), dernier_statut_http = $4, derniere_erreur = $6,
              prochaine_tentative_a = CASE WHEN $7::float8 IS NULL THEN prochaine_tentative_a ELSE now() + make_interval(secs => $7::float8) END,
              en_cours_jusqua = NULL, jeton = NULL
        WHERE id = $1 AND jeton = $2 RETURNING prochaine_tentative_a AS at`,
      [claim.id, claim.jeton, attempt, result.status, delay === null ? 'echouee' : 'en_attente', erreur, delay === null ? null : delay / 1000],
    );
    this.logger.warn({ livraisonId: claim.id, endpointId: claim.endpoint_id, tentative: attempt, status: result.status, final: delay === null }, 'webhook delivery attempt failed');
    if (rows.length === 0) return { kind: 'terminee' };
    if (delay === null) return { kind: 'echouee', erreur };
    // If Redis loses this, the reconciler finds the row due without a job.
    await this.queue.enqueue([{ livraisonId: claim.id, tentative: attempt, delayMs: delay }]);
    return { kind: 'reessai', at: rows[0].at, erreur };
  }

  private async wakeParked(endpointId: string): Promise<void> {
    const parked: Array<{ id: string; tentatives: number }> = await this.dataSource.query(
      `SELECT id, tentatives FROM webhook_livraison
        WHERE endpoint_id = $1 AND statut = 'en_attente' AND prochaine_tentative_a <= now() AND (en_cours_jusqua IS NULL OR en_cours_jusqua <= now())
        ORDER BY prochaine_tentative_a, id LIMIT $2`,
      [endpointId, this.config.WEBHOOK_CONCURRENCY_PER_ENDPOINT],
    );
    for (const p of parked) await this.queue.promote(p.id, p.tentatives);
  }

  /**
   * Deletes deliveries done long ago, a batch at a time: delivered ones after
   * LIVREE_RETENTION_DAYS, failed ones after ECHOUEE_RETENTION_DAYS (an admin has had time to
   * replay them). The table would otherwise grow with every event. Returns how many.
   */
  async purge(batch = 5_000): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(
      `WITH old AS (
         SELECT id FROM webhook_livraison
          WHERE statut <> 'en_attente'
            AND creee_a < now() - make_interval(days => CASE WHEN statut = 'livree' THEN $1::int ELSE $2::int END)
          ORDER BY creee_a LIMIT $3),
       gone AS (DELETE FROM webhook_livraison l USING old WHERE l.id = old.id RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [LIVREE_RETENTION_DAYS, ECHOUEE_RETENTION_DAYS, batch],
    );
    return rows[0].n;
  }

  /**
   * Enqueues every delivery due for a while that has no job any more (Redis flushed or restarted
   * without persistence, a job out of attempts during a PostgreSQL outage). A job still in Redis
   * keeps its id, so the add is ignored: the reconciler never doubles an attempt. Returns how many.
   */
  async reconcile(graceMs = 5_000): Promise<number> {
    const due: Array<{ id: string; tentatives: number }> = await this.dataSource.query(
      `SELECT id, tentatives FROM webhook_livraison
        WHERE statut = 'en_attente' AND prochaine_tentative_a <= now() - make_interval(secs => $1) AND (en_cours_jusqua IS NULL OR en_cours_jusqua <= now())
        ORDER BY prochaine_tentative_a LIMIT 1000`,
      [graceMs / 1000],
    );
    await this.queue.enqueue(due.map((d) => ({ livraisonId: d.id, tentative: d.tentatives })));
    return due.length;
  }
}

/** The first characters of a failed answer, on one line, without control characters. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  let text = '';
  const decoder = new TextDecoder();
  try {
    while (text.length < EXCERPT_CHARS) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short: what came is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, EXCERPT_CHARS);
}

/** fetch's error without the URL (it may hold a token of the receiver's). */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string } })?.cause;
  return (cause?.code ?? (err as Error)?.message ?? 'erreur inconnue').slice(0, 120);
}
