import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EMAILS, questionBody } from '../questions/fixtures';
import { SlaFixture } from './sla-fixture';
import { buildIfStale } from '../ops/spawned';

const ROOT = path.resolve(__dirname, '../..');

/** Two real worker processes on one Redis: a breach fires once, and a worker killed mid-burst loses nothing. */
describe('SLA timers across worker processes', () => {
  let f: SlaFixture;
  const workers: ChildProcess[] = [];

  function spawnWorker(): ChildProcess {
    const child = spawn(process.execPath, ['dist/apps/worker/apps/worker/src/main.js'], {
      cwd: ROOT,
      stdio: 'ignore',
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...f.env },
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    // Compiles only if dist/ is stale: under npm test the runner built it once, and the other group runs from it.
    buildIfStale();
    f = await SlaFixture.start('relais_test_sla_workers', 8, {}, false);
    spawnWorker();
    spawnWorker();
    await new Promise((r) => setTimeout(r, 3000));
  }, 180_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => w.once('exit', r)) : null)));
    await f?.close();
  });

  it('100 breaches fire exactly once with two workers, one of them SIGKILLed in the middle', async () => {
    await f.setTargets({ prise_en_charge: 0.06, reponse: 600 }); // 3.6 s after each escalation
    const agent = await f.api.login(EMAILS.agentCarcassonne);
    const [{ id: eceau }] = await f.query(`SELECT id FROM dispositif WHERE code = 'eceau-tourisme'`);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const q = await f.api.post('/api/v1/questions', questionBody({ dispositifId: eceau }), { token: agent });
      await f.api.post(`/api/v1/questions/${q.body.id}/escalader`, {}, { token: agent });
      ids.push(q.body.id);
    }
    const fired = async () =>
      (
        await f.query(
          `SELECT count(*)::int n FROM sla_declenchement d JOIN sla_horloge h ON h.id = d.horloge_id WHERE h.ticket_id = ANY($1::uuid[]) AND d.type = 'depassement'`,
          [ids],
        )
      )[0].n as number;
    await f.waitFor(async () => (await fired()) >= 5, 30_000, 'the first breaches');
    workers[0].kill('SIGKILL');
    const killedAt = await fired();
    expect(killedAt).toBeLessThan(100);

    await f.waitFor(async () => (await fired()) === 100, 60_000, 'every breach after the kill');
    await new Promise((r) => setTimeout(r, 3000));
    expect(await fired()).toBe(100);
    const [{ n: timeline }] = await f.query(`SELECT count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type = 'sla.depassement'`, [ids]);
    expect(timeline).toBe(100);
    const perQuestion = await f.query(
      `SELECT ticket_id, count(*)::int n FROM timeline_event WHERE ticket_id = ANY($1::uuid[]) AND type = 'sla.depassement' GROUP BY ticket_id HAVING count(*) <> 1`,
      [ids],
    );
    expect(perQuestion).toEqual([]);
  }, 120_000);
});
