import { TestApi } from '../setup/e2e-app';

/** A port nothing listens on: Redis "down" without stopping the shared Redis. */
const CLOSED_REDIS_URL = 'redis://127.0.0.1:6390';

describe('health probes', () => {
  describe('with PostgreSQL and Redis up', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = await TestApi.start();
    });
    afterAll(() => api.close());

    it.each(['/health', '/health/ready'])('GET %s → 200 with both dependencies up, in terminus’s shape', async (path) => {
      const res = await api.get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
      expect(res.body).toEqual({
        status: 'ok',
        info: {
          postgresql: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'up', responseTime: expect.any(Number) },
        },
        error: {},
        details: {
          postgresql: { status: 'up', responseTime: expect.any(Number) },
          redis: { status: 'up', responseTime: expect.any(Number) },
        },
      });
    });

    it('GET /health/live → 200 without checking anything', async () => {
      const res = await api.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    });

    it('needs no token and is not under /api/v1', async () => {
      expect((await api.get('/api/v1/health')).status).toBe(404);
    });
  });

  describe('with Redis unreachable', () => {
    let api: TestApi;
    beforeAll(async () => {
      // Booting at all is part of the test: a producer must not crash or hang without Redis.
      api = await TestApi.start({ config: { REDIS_URL: CLOSED_REDIS_URL } });
    });
    afterAll(() => api.close());

    it.each(['/health', '/health/ready'])('GET %s → 503 naming redis, PostgreSQL still up', async (path) => {
      const started = Date.now();
      const res = await api.get(path);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.status).toBe(503);
      // Terminus's body, not problem+json: probes and operators read the per-dependency details.
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.status).toBe('error');
      expect(res.body.error).toEqual({ redis: { status: 'down', message: expect.any(String), responseTime: expect.any(Number) } });
      expect(res.body.info).toEqual({ postgresql: { status: 'up', responseTime: expect.any(Number) } });
      expect(Object.keys(res.body.details).sort()).toEqual(['postgresql', 'redis']);
    });

    it('GET /health/live → 200 all the same', async () => {
      const res = await api.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    });

    it('still serves the API (PostgreSQL only)', async () => {
      const token = await api.login('admin@relais.demo');
      expect((await api.get('/api/v1/me', { token })).status).toBe(200);
    });
  });
});
