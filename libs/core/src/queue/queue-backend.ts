import { createPostgresBackend, DEFAULT_SCHEMA, runMigrations, setDefaultBackendFactory } from 'bullmq';
import type { ConnectionOptions } from 'bullmq';
import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { ALL_QUEUES } from './queue-names';
import { redisOptions } from './redis';

/**
 * The PostgreSQL schema of BullMQ's own tables and functions when FILES_ATTENTE=postgres (ADR
 * 0022): its default, `bullmq`, beside Relais's `public`. Created by `migrate`/`setup` as the
 * owner; the application's role only reads and writes its rows.
 */
export const QUEUE_SCHEMA = DEFAULT_SCHEMA;

/** PostgreSQL connections of one BullMQ queue, worker or producer (its pool; a worker adds one LISTEN connection). */
const QUEUE_POOL_MAX = 3;

export function queuesOnPostgres(config: AppConfig): boolean {
  return config.FILES_ATTENTE === 'postgres';
}

/**
 * Points every BullMQ Queue/Worker/QueueEvents/FlowProducer this process creates at the
 * configured backend (a process-wide default of BullMQ's). Called once per app root module,
 * before any queue is built.
 */
export function selectQueueBackend(config: AppConfig): void {
  setDefaultBackendFactory(queuesOnPostgres(config) ? createPostgresBackend : undefined);
}

/**
 * The `connection` option of BullMQ for this process: ioredis options on Redis; on PostgreSQL the
 * application's database (its role, DATABASE_URL) and the queue schema, which must already exist
 * (never migrated at connect: the application's role has no DDL rights).
 */
export function queueConnection(config: AppConfig, role: 'worker' | 'producer', name = 'relais-queues'): ConnectionOptions {
  if (!queuesOnPostgres(config)) return redisOptions(config.REDIS_URL, role) as ConnectionOptions;
  return {
    connectionString: config.DATABASE_URL,
    schema: QUEUE_SCHEMA,
    max: QUEUE_POOL_MAX,
    application_name: name,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 10_000,
  } as unknown as ConnectionOptions;
}

/**
 * Creates or upgrades BullMQ's schema (as the owner: `migrate`, `setup`, the test set-up) and
 * grants the application's role what the backend needs: rows of its tables, its sequences, its
 * functions. Idempotent (BullMQ's migrator serialises concurrent runs with an advisory lock).
 */
export async function migrateQueueSchema(ownerUrl: string, appRole: string | null): Promise<number> {
  const client = new Client({ connectionString: ownerUrl, application_name: 'relais-owner-queues' });
  await client.connect();
  try {
    const version = await runMigrations(client, QUEUE_SCHEMA);
    // BullMQ creates a queue's job-id sequence on its first add (CREATE SEQUENCE in a function):
    // DDL the application's role may not run. Created here for every queue of Relais, so the
    // backend finds them and never takes that path (a new queue name needs a `migrate`).
    for (const queue of ALL_QUEUES) {
      const { rows } = await client.query(`SELECT "${QUEUE_SCHEMA}".job_id_seq_name($1) AS name`, [queue]);
      await client.query(`CREATE SEQUENCE IF NOT EXISTS "${QUEUE_SCHEMA}"."${rows[0].name}"`);
    }
    if (appRole) {
      if (!/^[a-z_][a-z0-9_]*$/.test(appRole)) throw new Error(`Nom de rôle invalide : ${appRole}`);
      const s = `"${QUEUE_SCHEMA}"`;
      const r = `"${appRole}"`;
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      await client.query(`REVOKE CREATE ON SCHEMA ${s} FROM ${r}`);
      await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
      await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
      await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${r}`);
      // The migration ledger is the owner's: the role only reads it (the compatibility check).
      await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ${s}.migration FROM ${r}`);
    }
    return version;
  } finally {
    await client.end();
  }
}
