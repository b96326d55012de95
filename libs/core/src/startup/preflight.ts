import { Client } from 'pg';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { redisOptions } from '../queue/redis';
import { QUEUE_SCHEMA, queuesOnPostgres } from '../queue/queue-backend';

/**
 * Before a process boots, one look at PostgreSQL and Redis. Without it a missing PostgreSQL
 * ends in a raw multi-line Node error and a missing Redis in a silent, endless wait (ioredis
 * reconnects forever). Here: a few seconds of retries (a server starting at the same time),
 * then one line naming the variable, the address tried (no password) and what to do.
 * With FILES_ATTENTE=postgres there is no Redis to wait for: the `redis` dependency becomes
 * "BullMQ's schema exists" for a process (the owner's commands create it).
 */
export type Dependency = 'postgres' | 'postgres-server' | 'redis';

const RETRY_FOR_MS = 5000;
const ATTEMPT_TIMEOUT_MS = 3000;
const README_HINT = 'voir le README, section « PostgreSQL and Redis »';

export class DependencyUnreachable extends Error {
  constructor(readonly variable: 'DATABASE_URL' | 'DATABASE_OWNER_URL' | 'REDIS_URL', readonly line: string) {
    super(line);
    this.name = 'DependencyUnreachable';
  }
}

/** The URL as tried, without password or query string (which may hold one). */
export function displayAddress(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(adresse illisible)';
  }
}

interface Failure {
  reason: string;
  /** Worth another attempt: the server may be starting. */
  transient: boolean;
}

function classify(err: unknown): Failure {
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = e?.code ?? e?.errors?.[0]?.code;
  const message = String(e?.message ?? '');
  if (code === 'ECONNREFUSED') return { reason: 'connexion refusée (rien n’écoute à cette adresse)', transient: true };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { reason: 'nom d’hôte inconnu', transient: code === 'EAI_AGAIN' };
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return { reason: `pas de réponse en ${ATTEMPT_TIMEOUT_MS / 1000} s`, transient: true };
  if (code === '28P01' || code === '28000' || /WRONGPASS|NOAUTH|invalid password|authentication/i.test(message))
    return { reason: 'identifiants refusés', transient: false };
  if (code === '3D000') return { reason: 'la base n’existe pas (`npm start` ou `npm run cli -- setup` la crée)', transient: false };
  if (code === '57P03') return { reason: 'le serveur démarre encore', transient: true };
  return { reason: code ? `erreur ${code}` : 'connexion impossible', transient: true };
}

async function tryPostgres(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS, application_name: 'relais-preflight' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** BullMQ's schema is there (FILES_ATTENTE=postgres): `migrate` or `setup` created it. */
async function hasQueueSchema(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS, application_name: 'relais-preflight' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [`"${QUEUE_SCHEMA}".migration`]);
    return rows[0]?.present === true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function tryRedis(url: string): Promise<void> {
  const redis = new Redis({
    ...redisOptions(url, 'producer'),
    lazyConnect: true,
    connectTimeout: ATTEMPT_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // Without retries, connect() only says "Connection is closed": the socket error says why.
  let socketError: unknown;
  redis.on('error', (err) => (socketError ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw socketError ?? err;
  } finally {
    redis.disconnect();
  }
}

async function withRetries(attempt: () => Promise<void>, retryForMs: number): Promise<Failure | null> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      await attempt();
      return null;
    } catch (err) {
      const failure = classify(err);
      if (!failure.transient || Date.now() >= deadline) return failure;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** The maintenance database of the same server: `setup` must reach it before its own database exists. */
function serverUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

function unreachable(variable: 'DATABASE_URL' | 'DATABASE_OWNER_URL' | 'REDIS_URL', url: string, failure: Failure): DependencyUnreachable {
  const address = displayAddress(url);
  if (variable === 'REDIS_URL') {
    const what = failure.transient ? `Redis injoignable à ${address}` : `Redis refuse la connexion à ${address}`;
    const fix = failure.transient ? 'Démarrez Redis (redis-server, ou docker run -d -p 6379:6379 redis:7) ou corrigez REDIS_URL' : 'Corrigez REDIS_URL';
    return new DependencyUnreachable('REDIS_URL', `Relais ne peut pas démarrer : ${what} (REDIS_URL) : ${failure.reason}. ${fix} ; ${README_HINT}.`);
  }
  // Reachable but refusing (no such database, wrong credentials): starting it is not the fix.
  const what = failure.transient ? `PostgreSQL injoignable à ${address}` : `PostgreSQL refuse la connexion à ${address}`;
  const fix = failure.transient ? `Démarrez PostgreSQL (ou docker compose -f docker/compose.yaml pour toute la pile) ou corrigez ${variable}` : `Corrigez ${variable}`;
  return new DependencyUnreachable(variable, `Relais ne peut pas démarrer : ${what} (${variable}) : ${failure.reason}. ${fix} ; ${README_HINT}.`);
}

/** Throws DependencyUnreachable with the line to print; resolves when every dependency answers. */
export async function preflight(config: AppConfig, dependencies: Dependency[], options: { retryForMs?: number; owner?: boolean } = {}): Promise<void> {
  const retryForMs = options.retryForMs ?? RETRY_FOR_MS;
  // The administration commands connect as the schema's owner, the processes as the application's role.
  const databaseUrl = options.owner ? config.databaseOwnerUrl : config.DATABASE_URL;
  const variable = options.owner && config.DATABASE_OWNER_URL ? 'DATABASE_OWNER_URL' : 'DATABASE_URL';
  for (const dependency of dependencies) {
    if (dependency === 'redis' && queuesOnPostgres(config)) {
      if (options.owner) continue;
      if (!(await hasQueueSchema(databaseUrl))) {
        throw new DependencyUnreachable(
          'DATABASE_URL',
          `Relais ne peut pas démarrer : les files d’attente sont sur PostgreSQL (FILES_ATTENTE=postgres) mais le schéma « ${QUEUE_SCHEMA} » de BullMQ n’existe pas dans cette base. Lancez \`npm run migration:run\` (ou \`npm run cli -- setup\`) ; ${README_HINT}.`,
        );
      }
    } else if (dependency === 'redis') {
      const failure = await withRetries(() => tryRedis(config.REDIS_URL), retryForMs);
      if (failure) throw unreachable('REDIS_URL', config.REDIS_URL, failure);
    } else {
      const url = dependency === 'postgres-server' ? serverUrl(databaseUrl) : databaseUrl;
      const failure = await withRetries(() => tryPostgres(url), retryForMs);
      if (failure) throw unreachable(variable, databaseUrl, failure);
    }
  }
}

/** For a process entry point: one line on stderr and exit 1 when a dependency is unreachable. */
export async function preflightOrExit(config: AppConfig, dependencies: Dependency[]): Promise<void> {
  try {
    await preflight(config, dependencies);
  } catch (err) {
    if (!(err instanceof DependencyUnreachable)) throw err;
    console.error(err.line);
    process.exit(1);
  }
}

/**
 * The API serves without Redis (docs/operations.md: PostgreSQL is the truth, the outbox catches
 * up when Redis returns), so a missing Redis at boot is one warning line, not an exit.
 */
export async function warnIfRedisUnreachable(config: AppConfig): Promise<boolean> {
  if (queuesOnPostgres(config)) return true;
  const failure = await withRetries(() => tryRedis(config.REDIS_URL), 0);
  if (!failure) return true;
  console.error(
    `Relais démarre sans Redis : injoignable à ${displayAddress(config.REDIS_URL)} (REDIS_URL) : ${failure.reason}. ` +
      `L’API répond ; files et échéances reprendront à son retour. Démarrez Redis ou corrigez REDIS_URL ; ${README_HINT}.`,
  );
  return false;
}
