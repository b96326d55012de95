import { randomUUID } from 'node:crypto';
import { ConnectionOptions, Queue } from 'bullmq';
import { ALL_QUEUES, QueueName, redisOptions, TokenService } from '@app/core';
import { TestApi } from '../setup/e2e-app';

const BOARD = '/admin/queues';
const PROBLEM_JSON = /^application\/problem\+json/;

describe('queue board (/admin/queues)', () => {
  let api: TestApi;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    api = await TestApi.start();
    admin = await api.login('admin@relais.demo');
    agent = await api.login('agent.carcassonne@relais.demo');
  });
  afterAll(() => api.close());

  describe('refuses anyone but an admin, as problem+json', () => {
    it.each([BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/queue/outbox`])('401 without a token: GET %s', async (path) => {
      const res = await api.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({ status: 401, code: 'NON_AUTHENTIFIE', instance: path });
    });

    it('401 for the static files and the write API too', async () => {
      expect((await api.get(`${BOARD}/static/js/does-not-matter.js`)).status).toBe(401);
      expect((await api.request('PUT', `${BOARD}/api/queues/outbox/retry/failed`)).status).toBe(401);
      expect((await api.request('PUT', `${BOARD}/api/queues/pause`)).status).toBe(401);
    });

    it('401 for a forged, malformed or unknown-user token', async () => {
      const forged = admin.slice(0, -4) + (admin.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect((await api.get(BOARD, { token: forged })).status).toBe(401);
      expect((await api.get(BOARD, { headers: { authorization: `Basic ${btoa('admin:admin')}` } })).status).toBe(401);
      const ghost = await new TokenService(api.config).issueDevToken({ id: randomUUID(), email: 'parti@relais.demo', role: 'admin' });
      const res = await api.get(BOARD, { token: ghost.accessToken });
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe('Ce compte est inconnu ou désactivé.');
      // A malformed header is refused even when a valid cookie comes along: no silent fallback.
      expect((await api.get(BOARD, { headers: { authorization: 'Bearer', cookie: `relais_token=${admin}` } })).status).toBe(401);
    });

    it('403 for an authenticated agent of a Maison de la Région', async () => {
      const res = await api.get(BOARD, { token: agent });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 403, code: 'INTERDIT' });
      expect((await api.get(`${BOARD}/api/queues`, { token: agent })).status).toBe(403);
      expect((await api.get(BOARD, { headers: { cookie: `relais_token=${agent}` } })).status).toBe(403);
    });
  });

  describe('for an admin', () => {
    it('200: the page, with a bearer token', async () => {
      const res = await api.get(BOARD, { token: admin });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('<base href="/admin/queues/"');
    });

    it('200: the page, its static files and its JSON API with the relais_token cookie (a browser)', async () => {
      const cookie = `theme=dark; relais_token=${admin}`;
      const page = await api.get(BOARD, { headers: { cookie } });
      expect(page.status).toBe(200);
      const script = /<script defer src="([^"]+)"/.exec(page.text)![1];
      const asset = await api.get(`${BOARD}/${script}`, { headers: { cookie } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect((await api.get(`${BOARD}/api/queues`, { headers: { cookie } })).status).toBe(200);
    });

    it('lists every queue of QueueName, read under the configured QUEUE_PREFIX', async () => {
      // A job in this deployment's Redis namespace, and one in another namespace sharing the Redis.
      const connection = redisOptions(api.config.REDIS_URL, 'producer') as ConnectionOptions;
      const ours = new Queue(QueueName.Maintenance, { connection, prefix: api.config.QUEUE_PREFIX });
      const theirs = new Queue(QueueName.Maintenance, { connection, prefix: `${api.config.QUEUE_PREFIX}-other` });
      try {
        await ours.add('board-probe', {}, { jobId: 'ops-board-probe-ours', delay: 3_600_000 });
        await theirs.add('board-probe', {}, { jobId: 'ops-board-probe-theirs', delay: 3_600_000 });

        const res = await api.get(`${BOARD}/api/queues?activeQueue=${QueueName.Maintenance}&status=delayed&page=1&jobsPerPage=50`, { token: admin });
        expect(res.status).toBe(200);
        const names: string[] = res.body.queues.map((queue: { name: string }) => queue.name).sort();
        expect(names).toEqual([...ALL_QUEUES].sort());
        const maintenance = res.body.queues.find((queue: { name: string }) => queue.name === QueueName.Maintenance);
        const ids = maintenance.jobs.map((job: { id: string }) => job.id);
        expect(ids).toContain('ops-board-probe-ours');
        expect(ids).not.toContain('ops-board-probe-theirs');
      } finally {
        await ours.obliterate({ force: true });
        await theirs.obliterate({ force: true });
        await Promise.all([ours.close(), theirs.close()]);
      }
    });

    it('refuses a cookie-authenticated action sent from another site (CSRF), accepts it from the board', async () => {
      const cookie = `relais_token=${admin}`;
      const path = `${BOARD}/api/queues/notifications/retry/failed`;
      const crossSite = await api.request('PUT', path, { headers: { cookie, 'sec-fetch-site': 'cross-site' } });
      expect(crossSite.status).toBe(403);
      const otherOrigin = await api.request('PUT', path, { headers: { cookie, origin: 'https://evil.example' } });
      expect(otherOrigin.status).toBe(403);
      const sameSite = await api.request('PUT', path, { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
      expect(sameSite.status).toBe(200);
      const bearer = await api.request('PUT', path, { token: admin, headers: { 'sec-fetch-site': 'cross-site' } });
      expect(bearer.status).toBe(200);
    });
  });
});
