import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, decodeCursor, DEFAULT_LIMIT, DomainError, IdempotentResponse, NotFoundError, Page, StaleVersionError, toPage, ValidationFailedError, withIdempotency } from '@app/core';
import { WebhookEndpointRow, WebhookLivraisonRow } from './webhook.entities';
import { WebhookQueue } from './webhook.queue';
import { newWebhookSecret } from './webhook.secret';
import { LivraisonStatut } from './webhook.types';

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  types: string[];
  actif: boolean;
  version: number;
  creePar: string;
  creeA: string;
  modifieA: string;
  /** Deliveries by statut, so that failed ones show in the list. */
  livraisons: { enAttente: number; livrees: number; echouees: number };
}

/** The creation's answer: the only time the secret is shown. */
export interface WebhookCreeView extends WebhookView {
  secret: string;
}

export interface LivraisonView {
  id: string;
  endpointId: string;
  evenementId: string;
  type: string;
  statut: LivraisonStatut;
  tentatives: number;
  prochaineTentativeA: string | null;
  dernierStatutHttp: number | null;
  derniereErreur: string | null;
  derniereTentativeA: string | null;
  livreeA: string | null;
  creeeA: string;
}

type Counts = { en_attente: number; livree: number; echouee: number };

function toWebhookView(e: WebhookEndpointRow, counts?: Partial<Counts>): WebhookView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    types: e.types,
    actif: e.actif,
    version: e.version,
    creePar: e.creePar,
    creeA: e.creeA.toISOString(),
    modifieA: e.modifieA.toISOString(),
    livraisons: { enAttente: counts?.en_attente ?? 0, livrees: counts?.livree ?? 0, echouees: counts?.echouee ?? 0 },
  };
}

function toLivraisonView(l: WebhookLivraisonRow): LivraisonView {
  return {
    id: l.id,
    endpointId: l.endpointId,
    evenementId: l.evenementId,
    type: l.type,
    statut: l.statut,
    tentatives: l.tentatives,
    prochaineTentativeA: l.statut === 'en_attente' ? l.prochaineTentativeA.toISOString() : null,
    dernierStatutHttp: l.dernierStatutHttp,
    derniereErreur: l.derniereErreur,
    derniereTentativeA: l.derniereTentativeA?.toISOString() ?? null,
    livreeA: l.livreeA?.toISOString() ?? null,
    creeeA: l.creeeA.toISOString(),
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An URL Relais may POST to: absolute, https (http only where WEBHOOK_HTTP_AUTORISE allows it:
 * development and tests), without credentials in it (they would show in every list).
 */
export function checkWebhookUrl(raw: string, httpAllowed: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'doit être une adresse absolue, par exemple https://exemple.fr/webhooks.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'doit commencer par https://.';
  if (url.protocol === 'http:' && !httpAllowed) {
    return LOOPBACK.has(url.hostname) ? 'doit commencer par https:// (http n’est permis qu’en développement).' : 'doit commencer par https://.';
  }
  if (url.username || url.password) return 'ne doit pas contenir d’identifiant ni de mot de passe.';
  if (url.hash) return 'ne doit pas contenir de fragment (#…).';
  return null;
}

export class ListWebhooksQuery extends Query<WebhookView[]> {}

@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, WebhookView[]> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute(): Promise<WebhookView[]> {
    const endpoints = await this.dataSource.getRepository(WebhookEndpointRow).find({ order: { creeA: 'DESC', id: 'DESC' } });
    const counts: Array<{ endpoint_id: string; statut: keyof Counts; n: number }> = await this.dataSource.query(
      `SELECT endpoint_id, statut, count(*)::int AS n FROM webhook_livraison GROUP BY endpoint_id, statut`,
    );
    const byEndpoint = new Map<string, Partial<Counts>>();
    for (const c of counts) byEndpoint.set(c.endpoint_id, { ...byEndpoint.get(c.endpoint_id), [c.statut]: c.n });
    return endpoints.map((e) => toWebhookView(e, byEndpoint.get(e.id)));
  }
}

export class CreateWebhookCommand extends Command<IdempotentResponse<WebhookCreeView> & { replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly input: { url: string; description: string | null; types: string[] },
    readonly httpAllowed: boolean,
    readonly idempotencyKey: string | undefined,
    readonly rawBody: unknown,
  ) {
    super();
  }
}

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute({ ctx, input, httpAllowed, idempotencyKey, rawBody }: CreateWebhookCommand) {
    const problem = checkWebhookUrl(input.url, httpAllowed);
    if (problem) throw new ValidationFailedError([{ field: 'url', message: `L’adresse ${problem}` }]);
    return this.dataSource.transaction((manager) =>
      withIdempotency(manager, { userId: ctx.userId, key: idempotencyKey, scope: 'POST /webhooks', body: rawBody }, async () => {
        const now = new Date();
        const row = Object.assign(new WebhookEndpointRow(), {
          id: randomUUID(),
          url: input.url,
          description: input.description,
          types: [...new Set(input.types)].sort(),
          secret: newWebhookSecret(),
          actif: true,
          version: 1,
          creePar: ctx.userId,
          creeA: now,
          modifieA: now,
        });
        await manager.getRepository(WebhookEndpointRow).insert(row);
        return { status: 201, body: { ...toWebhookView(row), secret: row.secret } };
      }),
    );
  }
}

/** Said of a delivery abandoned because its endpoint was deactivated. */
export const ABANDONNEE = 'Point de réception désactivé : livraison abandonnée.';

/** Stops deliveries to an endpoint: no new ones, the pending ones abandoned (echouee: an admin may still replay one). */
export class DesactiverWebhookCommand extends Command<WebhookView> {
  constructor(readonly id: string, readonly expectedVersion: number | undefined) {
    super();
  }
}

@CommandHandler(DesactiverWebhookCommand)
export class DesactiverWebhookHandler implements ICommandHandler<DesactiverWebhookCommand, WebhookView> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  execute({ id, expectedVersion }: DesactiverWebhookCommand): Promise<WebhookView> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(WebhookEndpointRow);
      const row = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Point de réception introuvable.');
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw new StaleVersionError(expectedVersion, row.version);
      if (!row.actif) throw new DomainError('WEBHOOK_DEJA_DESACTIVE', 'conflict', 'Ce point de réception est déjà désactivé.', { statutActuel: 'inactif', action: 'desactiver' });
      row.actif = false;
      row.version += 1;
      row.modifieA = new Date();
      await repo.save(row);
      // Pending deliveries are abandoned now (an attempt in flight ends, then is abandoned by the worker).
      await manager.query(
        `UPDATE webhook_livraison SET statut = 'echouee', derniere_erreur = $2
          WHERE endpoint_id = $1 AND statut = 'en_attente' AND (en_cours_jusqua IS NULL OR en_cours_jusqua <= now())`,
        [id, ABANDONNEE],
      );
      const counts: Array<{ statut: keyof Counts; n: number }> = await manager.query(
        `SELECT statut, count(*)::int AS n FROM webhook_livraison WHERE endpoint_id = $1 GROUP BY statut`,
        [id],
      );
      return toWebhookView(row, Object.fromEntries(counts.map((c) => [c.statut, c.n])));
    });
  }
}

export class ListLivraisonsQuery extends Query<Page<LivraisonView>> {
  constructor(readonly endpointId: string, readonly statut: LivraisonStatut | undefined, readonly page: { limit?: number; cursor?: string }) {
    super();
  }
}

/** An endpoint's deliveries, newest first (keyset on creee_a, id). */
@QueryHandler(ListLivraisonsQuery)
export class ListLivraisonsHandler implements IQueryHandler<ListLivraisonsQuery, Page<LivraisonView>> {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async execute({ endpointId, statut, page }: ListLivraisonsQuery): Promise<Page<LivraisonView>> {
    const after = decodeCursor(page.cursor);
    if (after && after.k === null) throw new ValidationFailedError([{ field: 'cursor', message: 'Curseur invalide : reprenez la valeur nextCursor de la page précédente.' }]);
    const exists = await this.dataSource.getRepository(WebhookEndpointRow).exists({ where: { id: endpointId } });
    if (!exists) throw new NotFoundError('Point de réception introuvable.');
    const limit = page.limit ?? DEFAULT_LIMIT;
    const qb = this.dataSource
      .getRepository(WebhookLivraisonRow)
      .createQueryBuilder('l')
      .where('l.endpoint_id = :endpointId', { endpointId })
      .orderBy('l.creee_a', 'DESC')
      .addOrderBy('l.id', 'DESC')
      .limit(limit + 1);
    if (statut) qb.andWhere('l.statut = :statut', { statut });
    if (after) qb.andWhere('(l.creee_a, l.id) < (:k::timestamptz, :id::uuid)', { k: after.k, id: after.id });
    const rows = await qb.getMany();
    const result = toPage(rows, limit, (last) => ({ k: last.creeeA.toISOString(), id: last.id }));
    return { items: result.items.map(toLivraisonView), nextCursor: result.nextCursor };
  }
}

/**
 * A new attempt of a delivery that failed for good or was delivered: the same webhook-id and
 * body (receivers dedupe on it), one attempt; if it fails, the delivery is echouee again.
 */
export class RejouerLivraisonCommand extends Command<LivraisonView> {
  constructor(readonly id: string) {
    super();
  }
}

@CommandHandler(RejouerLivraisonCommand)
export class RejouerLivraisonHandler implements ICommandHandler<RejouerLivraisonCommand, LivraisonView> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: WebhookQueue,
  ) {}

  async execute({ id }: RejouerLivraisonCommand): Promise<LivraisonView> {
    const row = await this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(WebhookLivraisonRow);
      const l = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!l) throw new NotFoundError('Livraison introuvable.');
      if (l.statut === 'en_attente') {
        throw new DomainError('LIVRAISON_EN_COURS', 'conflict', 'Cette livraison est encore en cours de tentatives : elle ne peut être rejouée qu’une fois livrée ou échouée.', { statutActuel: l.statut, action: 'rejouer' });
      }
      await manager.query(`UPDATE webhook_livraison SET statut = 'en_attente', tentatives_max = tentatives + 1, prochaine_tentative_a = now() WHERE id = $1`, [id]);
      return repo.findOneByOrFail({ id });
    });
    // Lost if Redis fails now: the reconciler enqueues it (the row is due).
    await this.queue.enqueue([{ livraisonId: row.id, tentative: row.tentatives }]);
    return toLivraisonView(row);
  }
}

export const WEBHOOK_ADMIN_HANDLERS = [ListWebhooksHandler, CreateWebhookHandler, DesactiverWebhookHandler, ListLivraisonsHandler, RejouerLivraisonHandler];
