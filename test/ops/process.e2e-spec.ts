import { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../setup/test-env';
import { API_MAIN, buildIfStale, freePort, Spawned, spawnNode } from './spawned';

/**
 * The compiled API as production runs it: `node dist/…/main.js` in its own process, so that
 * signals, exit codes and stderr are the real ones.
 */
const SHUTDOWN_TIMEOUT_MS = 8000;

interface RunningApi extends Omit<Spawned, 'stdout'> {
  port: number;
  output: () => string;
}

/** Only what the API needs: never the developer's own DATABASE_URL and friends. */
function apiEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: 'relais-test-process',
    HOST: '127.0.0.1',
    AUTH_DEV_LOGIN: 'true',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    ...overrides,
  };
}

function spawnApi(env: NodeJS.ProcessEnv): Omit<RunningApi, 'port'> {
  const api = spawnNode([API_MAIN], env);
  return { ...api, output: () => api.stdout() + api.stderr() };
}

function get(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

async function startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
  const port = await freePort();
  const api = { ...spawnApi(apiEnv({ PORT: String(port), ...overrides })), port };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (api.child.exitCode !== null) throw new Error(`the API exited at start:\n${api.output()}`);
    if (await get(port, '/health/live').catch(() => 0)) return api;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  api.child.kill('SIGKILL');
  throw new Error(`the API did not answer /health/live within 20 s:\n${api.output()}`);
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
}

/** A dev-login whose body is only half sent: a request the server has begun and cannot finish alone. */
function halfSentLogin(port: number, agent: http.Agent) {
  const body = JSON.stringify({ email: 'admin@relais.demo' });
  const request = http.request({
    host: '127.0.0.1',
    port,
    path: '/api/v1/auth/dev-login',
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; connection?: string; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, 5));
  return { response, finish: () => request.end(body.slice(5)) };
}

describe('the compiled API process', () => {
  const running: ChildProcess[] = [];

  beforeAll(() => {
    buildIfStale();
  }, 180_000);

  afterEach(() => {
    for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('on SIGTERM stops accepting connections, finishes the request in flight, closes and exits 0', async () => {
    const api = await startApi();
    running.push(api.child);
    // A keep-alive client, as a browser or a load balancer: the drain must not wait for it to hang up.
    const agent = new http.Agent({ keepAlive: true });
    const login = halfSentLogin(api.port, agent);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalledAt = Date.now();
    api.child.kill('SIGTERM');

    let refused = false;
    while (!refused && Date.now() - signalledAt < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await refusesConnections(api.port);
    }
    expect(refused).toBe(true);
    expect(api.child.exitCode).toBeNull(); // still draining: the login is not finished

    login.finish();
    const response = await login.response;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).accessToken).toEqual(expect.any(String));
    expect(response.connection).toBe('close');

    const exit = await api.exited;
    agent.destroy();
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(api.output()).toContain('shutdown complete');
    expect(api.stderr()).toBe('');
  }, 60_000);

  it('forces the exit (code 1) once SHUTDOWN_TIMEOUT_MS has passed with a request still unfinished', async () => {
    const api = await startApi({ SHUTDOWN_TIMEOUT_MS: '1500' });
    running.push(api.child);
    const agent = new http.Agent({ keepAlive: true });
    const login = halfSentLogin(api.port, agent);
    login.response.catch(() => undefined); // the process dies under it: a reset is expected
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    const exit = await api.exited;
    agent.destroy();
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 1, signal: null });
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1400);
    expect(exit.at - signalledAt).toBeLessThan(1500 + 3000);
    expect(api.output()).toContain('shutdown did not finish in time: forced exit');
  }, 60_000);

  it('never writes usager personal data to its logs, even at trace level', async () => {
    const api = await startApi({ LOG_LEVEL: 'trace' });
    running.push(api.child);
    const base = `http://127.0.0.1:${api.port}/api/v1`;
    const login = await fetch(`${base}/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent.carcassonne@relais.demo' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const usager = { nom: 'Mireille Trouvé-Sancho', organisation: 'Gîte des Cévennes', email: 'mireille.sancho@exemple.fr', telephone: '04 99 87 65 43', consentement: true };
    const created = await fetch(`${base}/questions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ objet: 'Journalisation', description: 'Vérifier les journaux', canal: 'telephone', usager }),
    });
    expect(created.status).toBe(201);
    // A failing creation too: the validation error names fields, never their values.
    await fetch(`${base}/questions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ objet: '', description: 'x', canal: 'telephone', usager: { ...usager, consentement: false } }),
    });
    api.child.kill('SIGTERM');
    await api.exited;
    const logs = api.output();
    expect(logs).toContain('"url":"/api/v1/questions"');
    for (const value of [usager.nom, usager.organisation, usager.email, usager.telephone, accessToken]) expect(logs).not.toContain(value);
  }, 60_000);

  it.each([
    ['empty', ''],
    ['not a URL', 'notaurl'],
  ])('refuses to start with DATABASE_URL %s: exits non-zero at once with one line on stderr', async (_label, value) => {
    const startedAt = Date.now();
    const api = spawnApi(apiEnv({ PORT: '0', DATABASE_URL: value }));
    running.push(api.child);
    const exit = await api.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(exit.at - startedAt).toBeLessThan(5000);
    const lines = api.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
    expect(api.output()).toBe(api.stderr()); // nothing on stdout either
  }, 30_000);
});
