import { Queue } from 'bullmq';
import { QueueName, redisOptions } from '@app/core';
import { jourParis, verifyTimeline } from '@app/timeline';
import { SCEAU_FIL_JOB } from '../../apps/worker/src/maintenance.processor';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from '../sla/sla-fixture';

/**
 * The worker's daily seal: scheduled on the maintenance queue, written once per day whatever
 * the number of runs, and what the API's verification then compares against. The API and the
 * worker connect as the application's role.
 */
describe('the worker’s seal of the timelines', () => {
  let f: SlaFixture;

  beforeAll(async () => {
    f = await SlaFixture.start('relais_test_sceau_worker', 10);
  }, 60_000);

  afterAll(() => f?.close());

  it('is scheduled nightly, seals every head once per day, and a question then verifies against it', async () => {
    const agent = await f.api.login(EMAILS.agentCarcassonne);
    const q = (await f.api.post('/api/v1/questions', questionBody(), { token: agent })).body;
    await f.api.post(`/api/v1/questions/${q.id}/messages`, { texte: 'Pièces reçues.', visibilite: 'partage' }, { token: agent });

    let seal: { jour: string; tickets: number; mac: string };
    const queue = new Queue(QueueName.Maintenance, { connection: redisOptions(f.env.REDIS_URL, 'producer') as never, prefix: f.env.QUEUE_PREFIX });
    try {
      expect(await queue.getJobScheduler(SCEAU_FIL_JOB)).toMatchObject({ pattern: '5 0 * * *', tz: 'Europe/Paris' });
      await queue.add(SCEAU_FIL_JOB, {}, { jobId: 'sceau-1' });
      [seal] = await f.waitFor(async () => {
        const rows = await f.query(`SELECT to_char(jour, 'YYYY-MM-DD') AS jour, tickets, mac FROM sceau`);
        return rows.length ? rows : null;
      }, 10_000, 'seal');
      expect(seal).toMatchObject({ jour: jourParis(new Date()), tickets: 1 });
      // A second run the same day changes nothing.
      await queue.add(SCEAU_FIL_JOB, {}, { jobId: 'sceau-2' });
      await f.waitFor(async () => (await queue.getJob('sceau-2'))?.finishedOn, 10_000, 'second run');
      expect(await f.query(`SELECT mac FROM sceau`)).toEqual([{ mac: seal.mac }]);
    } finally {
      await queue.close();
    }

    const v = await f.api.get(`/api/v1/questions/${q.id}/fil/verification`, { token: agent });
    expect(v.body).toMatchObject({ valide: true, evenements: 2, tete: { seq: 2, valide: true }, sceau: { jour: seal.jour, seq: 2, valide: true } });
    expect(await verifyTimeline(f.scratch.dataSource, 'question', q.id)).toEqual(v.body);
  });
});
