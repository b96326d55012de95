import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { CORE_ENTITIES, DomainError, IdempotentResponse, MIGRATIONS, purgeIdempotencyKeys, withIdempotency } from '@app/core';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';

/**
 * withIdempotency against a real PostgreSQL, on a database of its own
 * (relais_test_idempotency): replays, conflicts, concurrency and rollbacks.
 */

const SCOPE = 'POST /api/v1/questions';

let db: ScratchDatabase;
let ds: DataSource;
let sql: Client;

beforeAll(async () => {
  db = await createScratchDatabase('relais_test_idempotency', { poolSize: 14 });
  ds = db.dataSource;
  sql = await db.connect();
  // Stands in for what a creating POST creates.
  await sql.query(`CREATE TABLE scratch_created (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), label text NOT NULL)`);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

interface Created {
  id: string;
  label: string;
  createdAt: Date;
}

/** A `create` callback that counts its runs and inserts a row, as a command handler would. */
function creator(manager: EntityManager, label: string, calls: { n: number }, delaySeconds = 0) {
  return async (): Promise<IdempotentResponse<Created>> => {
    calls.n += 1;
    if (delaySeconds) await manager.query(`SELECT pg_sleep($1)`, [delaySeconds]);
    const [row] = await manager.query(`INSERT INTO scratch_created (label) VALUES ($1) RETURNING id`, [label]);
    return { status: 201, body: { id: row.id, label, createdAt: new Date('2026-11-25T10:00:00.000Z') } };
  };
}

async function post(userId: string, key: string | undefined, body: unknown, calls: { n: number }, scope = SCOPE, delaySeconds = 0) {
  return ds.transaction((m) => withIdempotency(m, { userId, key, scope, body }, creator(m, JSON.stringify(body), calls, delaySeconds)));
}

async function countRows(table: string, where = 'TRUE', params: unknown[] = []): Promise<number> {
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

describe('withIdempotency', () => {
  it('without a key, just creates, every time', async () => {
    const user = randomUUID();
    const calls = { n: 0 };
    const first = await post(user, undefined, { objet: 'a' }, calls);
    const second = await post(user, undefined, { objet: 'a' }, calls);
    expect(calls.n).toBe(2);
    expect(first.replayed).toBe(false);
    expect(second.replayed).toBe(false);
    expect(first.body.id).not.toBe(second.body.id);
    expect(await countRows('idempotency_key', 'user_id = $1', [user])).toBe(0);
  });

  it('with the same key and body, replays the first response without creating again', async () => {
    const user = randomUUID();
    const key = randomUUID();
    const calls = { n: 0 };
    const first = await post(user, key, { objet: 'Ec’Eau Tourisme', usager: { nom: 'Camping', consentement: true }, montant: 1.5 }, calls);
    // Same meaning, other key order: the same request.
    const second = await post(user, key, { montant: 1.5, usager: { consentement: true, nom: 'Camping' }, objet: 'Ec’Eau Tourisme' }, calls);

    expect(calls.n).toBe(1);
    expect(first).toMatchObject({ status: 201, replayed: false });
    expect(second).toMatchObject({ status: 201, replayed: true });
    // The replay is the JSON the first response carried.
    expect(second.body).toEqual(JSON.parse(JSON.stringify(first.body)));
    expect(await countRows('scratch_created', 'id = $1', [first.body.id])).toBe(1);

    const { rows } = await sql.query(`SELECT scope, status, response, length(request_hash) AS l FROM idempotency_key WHERE user_id = $1 AND key = $2`, [user, key]);
    expect(rows).toEqual([{ scope: SCOPE, status: 201, response: JSON.parse(JSON.stringify(first.body)), l: 64 }]);
  });

  it('answers 422 (IDEMPOTENCE_CONFLIT) for the same key with another body or on another route', async () => {
    const user = randomUUID();
    const key = randomUUID();
    const calls = { n: 0 };
    await post(user, key, { objet: 'a' }, calls);

    const otherBody = await rejection(post(user, key, { objet: 'b' }, calls));
    expect(otherBody).toBeInstanceOf(DomainError);
    expect(otherBody).toMatchObject({ code: 'IDEMPOTENCE_CONFLIT', kind: 'unprocessable' });
    expect(otherBody.message).toMatch(/clé d’idempotence/);

    const otherRoute = await rejection(post(user, key, { objet: 'a' }, calls, 'POST /api/v1/commandes'));
    expect(otherRoute).toMatchObject({ code: 'IDEMPOTENCE_CONFLIT', kind: 'unprocessable' });
    expect(calls.n).toBe(1);
  });

  it('keeps keys per user: the same key from another user is another request', async () => {
    const key = randomUUID();
    const calls = { n: 0 };
    const mine = await post(randomUUID(), key, { objet: 'a' }, calls);
    const theirs = await post(randomUUID(), key, { objet: 'a' }, calls);
    expect(calls.n).toBe(2);
    expect(theirs.replayed).toBe(false);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('refuses a malformed key before creating anything', async () => {
    const calls = { n: 0 };
    const error = await rejection(post(randomUUID(), 'clé-accentuée', { objet: 'a' }, calls));
    expect(error).toMatchObject({ kind: 'invalid_input', details: { errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] } });
    expect(await rejection(post(randomUUID(), '', {}, calls))).toMatchObject({ kind: 'invalid_input' });
    expect(calls.n).toBe(0);
  });

  it('creates exactly once for 10 concurrent requests with the same key and body, and all get the same response', async () => {
    const user = randomUUID();
    const key = randomUUID();
    const calls = { n: 0 };
    const body = { objet: 'concurrence', n: 10 };
    // The creation takes a while so that the nine others arrive while it runs and wait on the key.
    const results = await Promise.all(Array.from({ length: 10 }, () => post(user, key, body, calls, SCOPE, 0.2)));

    expect(calls.n).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const expected = JSON.parse(JSON.stringify(results.find((r) => !r.replayed)!.body));
    for (const r of results) {
      expect(r.status).toBe(201);
      expect(JSON.parse(JSON.stringify(r.body))).toEqual(expected);
    }
    expect(await countRows('scratch_created', 'label = $1', [JSON.stringify(body)])).toBe(1);
  });

  it('leaves no key when the creation rolls back, so a retry creates', async () => {
    const user = randomUUID();
    const key = randomUUID();
    const failing = ds.transaction((m) =>
      withIdempotency(m, { userId: user, key, scope: SCOPE, body: { objet: 'a' } }, async () => {
        await m.query(`INSERT INTO scratch_created (label) VALUES ('échec')`);
        throw new DomainError('TRANSITION_INTERDITE', 'conflict', 'Refusé.');
      }),
    );
    await expect(failing).rejects.toMatchObject({ code: 'TRANSITION_INTERDITE' });
    expect(await countRows('idempotency_key', 'user_id = $1', [user])).toBe(0);

    const calls = { n: 0 };
    const retry = await post(user, key, { objet: 'a' }, calls);
    expect(retry).toMatchObject({ status: 201, replayed: false });
    expect(calls.n).toBe(1);
  });

  it('lets a waiting request create when the first one rolls back', async () => {
    const user = randomUUID();
    const key = randomUUID();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));

    const first = ds.transaction((m) =>
      withIdempotency(m, { userId: user, key, scope: SCOPE, body: { objet: 'a' } }, async () => {
        firstStarted();
        await gate;
        throw new Error('panne pendant la création');
      }),
    );
    first.catch(() => undefined);
    await started;
    const calls = { n: 0 };
    const second = post(user, key, { objet: 'a' }, calls);
    await waitForLockWait();
    release();

    await expect(first).rejects.toThrow('panne pendant la création');
    await expect(second).resolves.toMatchObject({ status: 201, replayed: false });
    expect(calls.n).toBe(1);
  });

  it('refuses the same key twice within one transaction rather than replaying an unfinished response', async () => {
    const user = randomUUID();
    const key = randomUUID();
    await expect(
      ds.transaction(async (m) => {
        await withIdempotency(m, { userId: user, key, scope: SCOPE, body: {} }, async () => {
          await withIdempotency(m, { userId: user, key, scope: SCOPE, body: {} }, async () => ({ status: 201, body: {} }));
          return { status: 201, body: {} };
        });
      }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCE_EN_COURS', kind: 'conflict' });
  });
});

describe('purgeIdempotencyKeys', () => {
  it('deletes keys older than the cut-off and keeps the recent ones', async () => {
    const user = randomUUID();
    const calls = { n: 0 };
    await post(user, 'ancienne', { objet: 'a' }, calls);
    await post(user, 'recente', { objet: 'a' }, calls);
    await sql.query(`UPDATE idempotency_key SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND key = 'ancienne'`, [user]);

    const purged = await ds.transaction((m) => purgeIdempotencyKeys(m, new Date(Date.now() - 24 * 3600 * 1000)));
    expect(purged).toBeGreaterThanOrEqual(1);
    const { rows } = await sql.query(`SELECT key FROM idempotency_key WHERE user_id = $1`, [user]);
    expect(rows).toEqual([{ key: 'recente' }]);

    // A purged key is free again.
    await expect(post(user, 'ancienne', { objet: 'autre' }, calls)).resolves.toMatchObject({ replayed: false });
  });
});

describe('the IdempotencyKey migration', () => {
  it('matches its entity: TypeORM would generate no change for idempotency_key', async () => {
    // migration:generate drops what the entity does not declare; this keeps both in step.
    const withEntities = new DataSource({ ...ds.options, entities: CORE_ENTITIES } as typeof ds.options);
    await withEntities.initialize();
    try {
      const { upQueries } = await withEntities.driver.createSchemaBuilder().log();
      expect(upQueries.map((q) => q.query).filter((q) => q.includes('idempotency_key'))).toEqual([]);
    } finally {
      await withEntities.destroy();
    }
  });

  it('drops the table and creates it again', async () => {
    const migration = MIGRATIONS.find((m) => m.name.startsWith('IdempotencyKey'))!;
    const instance = new (migration as new () => { up(qr: unknown): Promise<void>; down(qr: unknown): Promise<void> })();
    // Migrations run as the schema's owner; the application's role may not drop a table.
    const owner = await new DataSource({ ...ds.options, url: db.ownerUrl } as typeof ds.options).initialize();
    const runner = owner.createQueryRunner();
    try {
      await instance.down(runner);
      expect(await runner.hasTable('idempotency_key')).toBe(false);
      await instance.up(runner);
      expect(await runner.hasTable('idempotency_key')).toBe(true);
    } finally {
      await runner.release();
      await owner.destroy();
    }
  });
});

/** Waits until some backend of this database waits on a lock (the second request, on the key). */
async function waitForLockWait(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the second request never waited on the key');
}
