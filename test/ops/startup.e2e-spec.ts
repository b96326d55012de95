import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../setup/test-env';
import { API_MAIN, buildIfStale, freePort, spawnNode, START, waitForHttp, WORKER_MAIN } from './spawned';

/**
 * A newcomer's `npm start` (and the API, the worker, `cli.js setup`) with PostgreSQL or Redis
 * not there: one line naming the variable, the address tried (no password) and the fix, and a
 * non-zero exit within 30 s — not a raw multi-line Node error, not an endless silent wait.
 * Nothing listens on 5529 and 6529 (ports reserved for this helper's tests).
 */
const CLOSED_POSTGRES = 'postgres://postgres:s3cret-pg@127.0.0.1:5529/relais_test_absent';
const CLOSED_REDIS = 'redis://:s3cret-redis@127.0.0.1:6529';

function env(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    // npm start builds if stale; under npm test the runner has built dist/ once (RELAIS_BUILD=never).
    ...(process.env.RELAIS_BUILD ? { RELAIS_BUILD: process.env.RELAIS_BUILD } : {}),
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: 'relais-test-startup',
    HOST: '127.0.0.1',
    PORT: '0',
    DEMO_QUESTIONS: '0',
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

async function run(args: string[], overrides: Record<string, string>) {
  const startedAt = Date.now();
  const process = spawnNode(args, env(overrides));
  const killer = setTimeout(() => process.child.kill('SIGKILL'), 40_000);
  const exit = await process.exited;
  clearTimeout(killer);
  return { ...exit, seconds: (exit.at - startedAt) / 1000, stdout: process.stdout(), stderr: process.stderr() };
}

describe('start-up with PostgreSQL or Redis unreachable', () => {
  beforeAll(() => {
    buildIfStale();
  }, 300_000);

  const cases: Array<[string, 'DATABASE_URL' | 'REDIS_URL', string[], Record<string, string>]> = [];
  for (const [name, args] of [
    ['the API', [API_MAIN]],
    ['the worker', [WORKER_MAIN]],
    ['npm start', [START]],
  ] as const) {
    cases.push([name, 'DATABASE_URL', [...args], { DATABASE_URL: CLOSED_POSTGRES }]);
    // The API alone serves without Redis (docs/operations.md): see the next test.
    if (name !== 'the API') cases.push([name, 'REDIS_URL', [...args], { REDIS_URL: CLOSED_REDIS }]);
  }

  it.each(cases)('%s, %s unreachable: one line naming the variable, the address and the fix, exit 1 within 30 s', async (_name, variable, args, overrides) => {
    const result = await run(args, overrides);
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 1, signal: null });
    expect(result.seconds).toBeLessThan(30);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toContain(`(${variable})`);
    expect(line).toContain(variable === 'DATABASE_URL' ? 'PostgreSQL injoignable à postgres://postgres@127.0.0.1:5529/relais_test_absent' : 'Redis injoignable à redis://127.0.0.1:6529');
    expect(line).toContain('connexion refusée');
    expect(line).toMatch(/Démarrez (PostgreSQL|Redis)/);
    expect(line).toContain('README');
    expect(line).not.toContain('s3cret');
    expect(result.stdout).toBe('');
  }, 60_000);

  it('the API with Redis unreachable: one warning line naming REDIS_URL, then it serves (PostgreSQL is the truth)', async () => {
    const port = await freePort();
    const api = spawnNode([API_MAIN], env({ REDIS_URL: CLOSED_REDIS, PORT: String(port) }));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/live`, api, 30_000);
      const [first] = api.stderr().split('\n');
      expect(first).toContain('Relais démarre sans Redis : injoignable à redis://127.0.0.1:6529 (REDIS_URL) : connexion refusée');
      expect(first).toContain('README');
      expect(api.stderr()).not.toContain('s3cret');
      expect(api.stdout()).not.toContain('s3cret');
    } finally {
      api.child.kill('SIGKILL');
      await api.exited;
    }
  }, 60_000);
});
