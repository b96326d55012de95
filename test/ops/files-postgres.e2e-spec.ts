import { INestApplicationContext } from '@nestjs/common';
import { createServer, Server, Socket } from 'node:net';
import { migrateQueueSchema, QUEUE_SCHEMA } from '@app/core';
import { seedDemoData } from '@app/directory';
import { ALWAYS_OPEN_CALENDAR } from '@app/sla';
import { createWorkerApp } from '../../apps/worker/src/worker.factory';
import { SseClient } from '../flux/sse-client';
import { EMAILS, questionBody } from '../questions/fixtures';
import { buildIfStale, CLI, spawnNode, WORKER_MAIN } from './spawned';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { TEST_APP_ROLE, testConfig } from '../setup/test-env';
import { waitFor as waitUntil } from '../setup/wait-for';

/**
 * FILES_ATTENTE=postgres (issue 16, ADR 0022): the API and the worker with every queue on
 * BullMQ's PostgreSQL backend, the live stream on `flux_entree`, and REDIS_URL pointing at a
 * socket that counts who connects: nobody may. A question goes through its flow with its outbox
 * relayed, an SLA breach fires exactly once, and the live stream delivers and replays; the
 * compiled `migrate` creates BullMQ's schema, without which the worker refuses to start.
 */
describe('queues on PostgreSQL (FILES_ATTENTE=postgres), no Redis at all', () => {
  let scratch: ScratchDatabase;
  let api: TestApi;
  let worker: INestApplicationContext;
  /** Stands where Redis would be: accepts and counts connections, answers nothing. */
  let fakeRedis: Server;
  const redisConnections: Socket[] = [];
  const streams: SseClient[] = [];

  const query = <T = any>(sql: string, params: unknown[] = []) => scratch.ownerQuery<T>(sql, params);
  const waitFor = <T>(check: () => Promise<T>, what: string, timeoutMs = 10_000) => waitUntil(check, what, { timeoutMs });

  beforeAll(async () => {
    fakeRedis = createServer((socket) => redisConnections.push(socket));
    await new Promise<void>((resolve) => fakeRedis.listen(0, '127.0.0.1', resolve));
    const redisPort = (fakeRedis.address() as { port: number }).port;

    scratch = await createScratchDatabase('relais_test_files_pg');
    // What `migrate` does with FILES_ATTENTE=postgres: BullMQ's schema as the owner, its rows granted.
    await migrateQueueSchema(scratch.ownerUrl, TEST_APP_ROLE);
    await seedDemoData(scratch.dataSource);
    const spec = (id: string) => JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id });
    for (const id of ['reseau', 'siege']) await scratch.dataSource.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = $2`, [spec(id), id]);
    const env = {
      DATABASE_URL: scratch.url,
      FILES_ATTENTE: 'postgres',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      SLA_RECONCILE_MS: '2000',
      OUTBOX_POLL_MS: '200',
      FLUX_HEARTBEAT_MS: '1000',
    };
    api = await TestApi.start({ config: env });
    worker = await createWorkerApp(testConfig(env));
  }, 60_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await api?.close();
    await worker?.close();
    await scratch?.drop();
    for (const socket of redisConnections) socket.destroy();
    await new Promise((resolve) => fakeRedis?.close(resolve));
  });

  it('runs a question through escalation, an SLA breach (once) and its answer, with the outbox relayed and the live stream delivering', async () => {
    const agent = await api.login(EMAILS.agentCarcassonne);
    const referent = await api.login(EMAILS.referentTourisme);
    const [{ id: eceau }] = await query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    // réponse: 2.4 s, its warning at 1.8 s; prise en charge far away.
    await query(`UPDATE sla_politique SET cible_minutes = CASE horloge WHEN 'reponse' THEN 0.04 ELSE 60 END, version = version + 1 WHERE flux = 'question'`);

    const live = await SseClient.open(`${api.baseUrl}/api/v1/flux`, referent);
    streams.push(live);

    const created = await api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect((await api.post(`/api/v1/questions/${id}/escalader`, {}, { token: agent })).status).toBe(200);

    // The timers are rows of sla_minuterie (not BullMQ jobs: ADR 0022), fired by the worker's poller.
    await waitFor(async () => (await query(`SELECT count(*)::int n FROM sla_minuterie m JOIN sla_horloge h ON h.id = m.horloge_id WHERE h.ticket_id = $1`, [id]))[0].n >= 2, 'armed timers');

    // The live stream (flux_entree, LISTEN/NOTIFY) brings the escalation to the référent.
    const filOf = () => live.of<{ ticketId: string; type: string }>('fil').filter((e) => e.ticketId === id);
    await live.waitFor(() => filOf().some((e) => e.type === 'question.escaladee'), 'the escalation on the live stream');

    // The timers (delayed jobs on BullMQ's PostgreSQL backend) fire, once each, on time.
    const slaEvents = () => query(`SELECT type FROM timeline_event WHERE ticket_id = $1 AND type LIKE 'sla.%' ORDER BY seq`, [id]);
    const events = await waitFor(async () => ((await slaEvents()).length === 2 ? slaEvents() : null), 'warning and breach');
    expect(events.map((e) => e.type)).toEqual(['sla.avertissement', 'sla.depassement']);
    const fired = await query(`SELECT d.type, d.retard_ms FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = $1`, [id]);
    expect(fired).toHaveLength(2);
    for (const row of fired) expect(row.retard_ms).toBeLessThan(1000);
    await live.waitFor(() => filOf().some((e) => e.type === 'sla.depassement'), 'the breach on the live stream');

    expect((await api.post(`/api/v1/questions/${id}/repondre`, { reponse: 'Oui, par l’appel à projets.' }, { token: referent })).status).toBe(200);
    await live.waitFor(() => filOf().some((e) => e.type === 'question.repondue'), 'the answer on the live stream');
    // Every outbox row of the question reached all its consumers.
    await waitFor(async () => {
      const [{ n }] = await query(`SELECT count(*)::int n FROM outbox WHERE aggregate_id = $1 AND processed_at IS NULL`, [id]);
      return n === 0;
    }, 'outbox processed');

    // A reconciler pass later (SLA_RECONCILE_MS = 2 s), still once.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await slaEvents()).toHaveLength(2);
    const [{ runs }] = await query(`SELECT runs::int FROM sla_reconciliateur_totaux`);
    expect(runs).toBeGreaterThanOrEqual(1);

    // Resume: from the escalation's id, what followed it is replayed to a new stream.
    const escalation = live.of<{ ticketId: string; type: string }>('fil').find((e) => e.ticketId === id && e.type === 'question.escaladee')!;
    const resumed = await SseClient.open(`${api.baseUrl}/api/v1/flux`, referent, { lastEventId: escalation._id! });
    streams.push(resumed);
    await resumed.waitFor(() => resumed.of<{ ticketId: string; type: string }>('fil').some((e) => e.ticketId === id && e.type === 'question.repondue'), 'the replay');
    const replayed = resumed.of<{ ticketId: string; type: string }>('fil').filter((e) => e.ticketId === id).map((e) => e.type);
    expect(replayed).not.toContain('question.escaladee');
    expect(replayed).toContain('sla.depassement');

    // Fired timers left the table; the far ones (prise en charge, relais) wait there.
    const left = await query(`SELECT m.type, h.horloge FROM sla_minuterie m JOIN sla_horloge h ON h.id = m.horloge_id WHERE h.ticket_id = $1`, [id]);
    expect(left.filter((t) => t.horloge === 'reponse')).toEqual([]);
    expect(left.length).toBeGreaterThanOrEqual(1);

    // BullMQ's tables did the work; Redis was never contacted.
    const [{ queues }] = await query(`SELECT count(DISTINCT queue)::int AS queues FROM "${QUEUE_SCHEMA}".meta`);
    expect(queues).toBeGreaterThanOrEqual(3);
    expect(redisConnections).toHaveLength(0);
  }, 30_000);

  it('reports readiness from what is used (BullMQ’s schema, no Redis), and the queue board reads the PostgreSQL queues', async () => {
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info).toHaveProperty('files_attente.status', 'up');
    expect(ready.body.info).not.toHaveProperty('redis');

    const admin = await api.login(EMAILS.admin);
    const board = await api.get('/admin/queues/api/queues?activeQueue=sla-timers&page=1', { token: admin });
    expect(board.status).toBe(200);
    expect(board.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['outbox', 'sla-timers', 'maintenance', 'notifications', 'webhooks']));

    // /metrics reads the queue counts and the reconciler's totals from PostgreSQL too.
    const metrics = await api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/relais_metrics_source_up\{source="bullmq-postgresql"\} 1/);
    expect(metrics.text).toMatch(/relais_queue_jobs\{queue="sla-timers",state="delayed"\} \d+/);
    expect(metrics.text).not.toContain('source="redis"');
    expect(redisConnections).toHaveLength(0);
  });

  it('the worker refuses to start while BullMQ’s schema is missing; the compiled `migrate` creates it as the owner and grants the role its rows only', async () => {
    buildIfStale();
    const fresh = await createScratchDatabase('relais_test_files_pg_cli');
    try {
      const env = {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: fresh.url,
        DATABASE_OWNER_URL: fresh.ownerUrl,
        FILES_ATTENTE: 'postgres',
        REDIS_URL: `redis://127.0.0.1:${(fakeRedis.address() as { port: number }).port}`,
      };
      const worker = spawnNode([WORKER_MAIN], env);
      const stopped = await worker.exited;
      expect(stopped.code).toBe(1);
      expect(worker.stderr()).toMatch(/FILES_ATTENTE=postgres.*schéma « bullmq ».*npm run migration:run/);

      const migrate = spawnNode([CLI, 'migrate'], env);
      const done = await migrate.exited;
      expect(done.code).toBe(0);
      expect(migrate.stdout()).toMatch(/schéma « bullmq » de BullMQ à jour/);
      const [rights] = await fresh.ownerQuery(
        `SELECT has_schema_privilege($1, 'bullmq', 'CREATE') AS ddl, has_table_privilege($1, 'bullmq.job', 'INSERT') AS rows,
                has_table_privilege($1, 'bullmq.migration', 'INSERT') AS ledger, has_sequence_privilege($1, 'bullmq.' || bullmq.job_id_seq_name('sla-timers'), 'USAGE') AS ids`,
        [TEST_APP_ROLE],
      );
      expect(rights).toEqual({ ddl: false, rows: true, ledger: false, ids: true });
    } finally {
      await fresh.drop();
    }
    expect(redisConnections).toHaveLength(0);
  }, 60_000);
});
