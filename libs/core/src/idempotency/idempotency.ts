import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ValidationFailedError } from '../errors/domain-error';
import { canonicalHash } from './canonical-json';

/** The request header, as API.md names it. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** How long a key keeps its response: a client retries within minutes, a day is generous. */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyArgs {
  /** Keys are per user: the same key from two users is two keys. */
  userId: string;
  /** The `Idempotency-Key` header; undefined when the client sent none. */
  key: string | undefined;
  /**
   * The route, e.g. `POST /questions`; with the id when the path names a ticket
   * (`POST /questions/{id}/messages`), so that a key reused on another ticket is refused (422)
   * rather than answered with the first ticket's response.
   */
  scope: string;
  /** The request body as received, before defaults are applied, so a retry hashes the same. */
  body: unknown;
}

export interface IdempotentResponse<T> {
  status: number;
  body: T;
}

const KEY_PATTERN = /^[\x20-\x7e]{1,200}$/;

/** 1 to 200 printable ASCII characters (the column is varchar(200); a header is ASCII anyway). */
export function assertValidIdempotencyKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationFailedError(
      [{ field: IDEMPOTENCY_KEY_HEADER, message: 'doit contenir de 1 à 200 caractères ASCII imprimables (un UUID, par exemple).' }],
      'L’en-tête Idempotency-Key est invalide.',
    );
  }
}

/**
 * Runs `create` at most once per (user, key), inside the caller's transaction.
 *
 * The key row is inserted before anything is created. A concurrent request with the same key
 * then blocks on the primary key until the first transaction ends: if it commits, the waiter
 * finds the stored response and replays it; if it rolls back, the key is gone with it and the
 * waiter creates instead. So a retried request creates nothing twice, and a failed attempt does
 * not burn the key. This relies on READ COMMITTED (the default): under REPEATABLE READ the
 * waiter gets a serialization failure instead of the replay.
 *
 * A replayed body is the stored JSON (Dates are ISO strings): exactly what the first response
 * carried over the wire.
 */
export async function withIdempotency<T>(
  manager: EntityManager,
  args: IdempotencyArgs,
  create: () => Promise<IdempotentResponse<T>>,
): Promise<IdempotentResponse<T> & { replayed: boolean }> {
  if (args.key === undefined) return { ...(await create()), replayed: false };
  assertValidIdempotencyKey(args.key);
  const requestHash = canonicalHash(args.body ?? null);

  // Two rounds at most: the second only if the key was purged between our INSERT and SELECT.
  for (let round = 0; round < 2; round++) {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO idempotency_key (user_id, key, scope, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [args.userId, args.key, args.scope, requestHash],
    );
    if (inserted.length === 1) {
      const result = await create();
      await manager.query(`UPDATE idempotency_key SET status = $3, response = $4::jsonb WHERE user_id = $1 AND key = $2`, [
        args.userId,
        args.key,
        result.status,
        result.body === undefined ? null : JSON.stringify(result.body),
      ]);
      return { ...result, replayed: false };
    }

    const rows: { scope: string; requestHash: string; status: number | null; response: unknown }[] = await manager.query(
      `SELECT scope, request_hash AS "requestHash", status, response FROM idempotency_key WHERE user_id = $1 AND key = $2`,
      [args.userId, args.key],
    );
    if (rows.length === 0) continue;
    const stored = rows[0];
    if (stored.scope !== args.scope || stored.requestHash !== requestHash) {
      throw new DomainError(
        'IDEMPOTENCE_CONFLIT',
        'unprocessable',
        'Cette clé d’idempotence a déjà servi pour une autre requête. Utilisez une nouvelle clé pour une nouvelle requête.',
      );
    }
    if (stored.status === null) {
      // Only visible from the transaction that inserted it (the same key used twice in one
      // transaction) or if a caller committed after its creation failed.
      throw new DomainError('IDEMPOTENCE_EN_COURS', 'conflict', 'Une requête avec cette clé d’idempotence est déjà en cours de traitement.');
    }
    return { status: stored.status, body: stored.response as T, replayed: true };
  }
  throw new Error(`Idempotency key vanished twice while being read (user ${args.userId}).`);
}

/**
 * A creating command in a transaction of its own under an Idempotency-Key: `create` writes,
 * answers, and names the aggregate it changed, whose events `publish` sends once committed. A
 * replay runs neither and returns the first answer.
 */
export async function createIdempotently<A, T>(
  dataSource: DataSource,
  args: IdempotencyArgs,
  create: (manager: EntityManager) => Promise<IdempotentResponse<T> & { aggregate: A }>,
  publish: (aggregate: A) => void,
): Promise<IdempotentResponse<T> & { replayed: boolean }> {
  let changed: { aggregate: A } | null = null;
  const result = await dataSource.transaction((manager) =>
    withIdempotency(manager, args, async () => {
      const { aggregate, status, body } = await create(manager);
      changed = { aggregate };
      return { status, body };
    }),
  );
  if (changed) publish((changed as { aggregate: A }).aggregate);
  return result;
}

/**
 * Deletes keys created before `olderThan` (usually now − IDEMPOTENCY_KEY_RETENTION_MS) and
 * returns how many. A purged key can be reused: that is the point of the retention window.
 */
export async function purgeIdempotencyKeys(manager: EntityManager, olderThan: Date): Promise<number> {
  // Counted through a CTE: TypeORM returns DELETE results in a different shape from SELECTs.
  const rows: { purged: number }[] = await manager.query(
    `WITH purged AS (DELETE FROM idempotency_key WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS purged FROM purged`,
    [olderThan],
  );
  return rows[0].purged;
}
