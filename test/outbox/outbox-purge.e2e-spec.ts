import { Job, Queue } from 'bullmq';
import { purgeOutbox, QueueName, redisOptions } from '@app/core';
import { MaintenanceProcessor, PURGE_OUTBOX_JOB } from '../../apps/worker/src/maintenance.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';

/**
 * The outbox purge: events every consumer handled more than OUTBOX_RETENTION_JOURS ago, and the
 * consumers' records of them, are deleted by the worker's hourly job; recent, pending and
 * unprocessed events are kept, and the flow goes on as before.
 */
describe('outbox purge', () => {
  let f: SlaFixture;
  /** The question whose first event the first case leaves unprocessed. */
  let stuckQuestion: string;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_outbox_purge', 11, { OUTBOX_RETENTION_JOURS: '3' });
  }, 60_000);

  afterAll(async () => {
    await f?.close();
  });

  const count = async (sql: string, params: unknown[] = []) => (await f.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

  it('deletes handled events and their consumers’ records past the retention, keeps the rest, and is scheduled every hour', async () => {
    const token = await f.api.login(EMAILS.agentCarcassonne);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const q = await f.api.post('/api/v1/questions', questionBody({ objet: `Purge ${i}` }), { token });
      expect(q.status).toBe(201);
      ids.push(q.body.id);
    }
    await f.waitFor(async () => (await count(`outbox WHERE processed_at IS NULL`)) === 0, 20_000, 'every event handled');
    const old = ids.slice(0, 4);
    // Handled 4 days ago (past the 3-day retention): the events of the first four questions and their records.
    await f.query(`UPDATE outbox SET processed_at = now() - interval '4 days' WHERE aggregate_id = ANY($1::uuid[])`, [old]);
    await f.query(`UPDATE processed_event SET processed_at = now() - interval '4 days' WHERE event_id IN (SELECT id FROM outbox WHERE aggregate_id = ANY($1::uuid[]))`, [old]);
    // An old event still unprocessed (a consumer still failing on it) and an old one never published: kept.
    await f.query(`UPDATE outbox SET processed_at = NULL, published_at = now() - interval '10 days' WHERE aggregate_id = $1 AND type = 'question.recue'`, [ids[4]]);
    stuckQuestion = ids[4];
    const [stuck] = await f.query<{ id: string }>(`SELECT id FROM outbox WHERE aggregate_id = $1 AND type = 'question.recue'`, [ids[4]]);
    const oldEvents = await count(`outbox WHERE aggregate_id = ANY($1::uuid[])`, [old]);
    const oldRecords = await count(`processed_event WHERE processed_at < now() - interval '3 days'`);
    const before = { events: await count('outbox'), records: await count('processed_event') };
    expect(oldEvents).toBeGreaterThan(0);
    expect(oldRecords).toBeGreaterThan(0);

    const worker = f.workers[0];
    const report = await worker.get(MaintenanceProcessor).process({ name: PURGE_OUTBOX_JOB } as Job);
    expect(report).toEqual({ evenements: oldEvents, traitements: oldRecords });
    expect(await count('outbox')).toBe(before.events - oldEvents);
    expect(await count('processed_event')).toBe(before.records - oldRecords);
    expect(await count(`outbox WHERE aggregate_id = ANY($1::uuid[])`, [old])).toBe(0);
    expect(await count(`outbox WHERE id = $1`, [stuck.id])).toBe(1);
    expect(await count(`outbox WHERE aggregate_id = $1`, [ids[5]])).toBeGreaterThan(0);
    // A second run finds nothing.
    expect(await worker.get(MaintenanceProcessor).process({ name: PURGE_OUTBOX_JOB } as Job)).toEqual({ evenements: 0, traitements: 0 });

    // The flow goes on: a purged question escalates, its new event is relayed and handled.
    expect((await f.api.post(`/api/v1/questions/${old[0]}/escalader`, {}, { token })).status).toBe(200);
    await f.waitFor(async () => (await count(`outbox WHERE aggregate_id = $1 AND type = 'question.escaladee' AND processed_at IS NOT NULL`, [old[0]])) === 1, 20_000, 'the escalation handled');

    const queue = new Queue(QueueName.Maintenance, { connection: redisOptions(f.env.REDIS_URL, 'worker') as never, prefix: f.env.QUEUE_PREFIX });
    try {
      expect(await queue.getJobScheduler(PURGE_OUTBOX_JOB)).toMatchObject({ every: 3600_000 });
    } finally {
      await queue.close();
    }
  }, 90_000);

  it('works in batches until nothing past the cut-off is left', async () => {
    const token = await f.api.login(EMAILS.agentCarcassonne);
    for (let i = 0; i < 3; i++) expect((await f.api.post('/api/v1/questions', questionBody({ objet: `Lot ${i}` }), { token })).status).toBe(201);
    // (The event left unprocessed above may be redelivered and handled meanwhile: only the others are awaited.)
    await f.waitFor(async () => (await count(`outbox WHERE processed_at IS NULL AND aggregate_id <> $1`, [stuckQuestion])) === 0, 20_000, 'every new event handled');
    await f.query(`UPDATE outbox SET processed_at = now() - interval '30 days' WHERE processed_at IS NOT NULL`);
    await f.query(`UPDATE processed_event SET processed_at = now() - interval '30 days'`);
    const events = await count(`outbox WHERE processed_at IS NOT NULL`);
    const records = await count('processed_event');
    expect(events).toBeGreaterThan(4);
    const report = await purgeOutbox(f.scratch.dataSource.manager, new Date(Date.now() - 86_400_000), 2);
    expect(report).toEqual({ evenements: events, traitements: records });
    const unprocessed = await count(`outbox WHERE processed_at IS NULL`);
    expect(await count(`outbox WHERE processed_at IS NOT NULL`)).toBe(0);
    expect(await count('outbox')).toBe(unprocessed);
  }, 60_000);
});
