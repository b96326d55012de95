import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { seedDemoData } from '@app/directory';
import { EMAILS } from '../questions/fixtures';
import { TestApi } from '../setup/e2e-app';
import { OwnPostgres } from '../setup/own-servers';
import { testRedisUrl } from '../setup/test-env';
import { testConfig } from '../setup/test-env';

/** Port of this suite's own PostgreSQL (helper range 5570-5579). */
const PG_PORT = 5571;

/**
 * A PostgreSQL outage answers 503 problem+json with Retry-After (the client may try again),
 * not 500 ERREUR_INTERNE (a bug to report); once PostgreSQL is back, requests succeed again.
 */
describe('API during a PostgreSQL outage', () => {
  let pg: OwnPostgres;
  let api: TestApi;

  beforeAll(async () => {
    pg = await OwnPostgres.start(PG_PORT);
    const url = await pg.createDatabase('relais_test_outage');
    const dataSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: url })), logging: false } as never);
    await dataSource.initialize();
    await seedDemoData(dataSource);
    await dataSource.destroy();
    api = await TestApi.start({ config: { DATABASE_URL: url, REDIS_URL: testRedisUrl(13), QUEUE_PREFIX: 'relais-test-outage' } });
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await pg?.destroy();
  });

  it('answers 503 with Retry-After while PostgreSQL is stopped or refusing, and 200 once it is back', async () => {
    const token = await api.login(EMAILS.agentCarcassonne);
    expect((await api.get('/api/v1/questions', { token })).status).toBe(200);

    // A clean shutdown: open sessions get 57P01, new connections are refused.
    pg.stop('fast');
    for (const path of ['/api/v1/questions', '/api/v1/dispositifs?q=eau']) {
      const res = await api.get(path, { token });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toMatchObject({ status: 503, code: 'SERVICE_INDISPONIBLE', title: 'Service indisponible' });
    }
    const write = await api.post('/api/v1/auth/dev-login', { email: EMAILS.agentCarcassonne });
    expect(write.status).toBe(503);

    await pg.startAgain();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await api.get('/api/v1/questions', { token })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  }, 60_000);
});
