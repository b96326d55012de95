import '../setup/register-aliases';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { AuthContext, SystemClock } from '@app/core';
import { GetTableauSlaHandler, GetTableauSlaQuery } from '@app/dashboards';
import { CalendarRegistry } from '@app/sla';

/**
 * Dashboard benchmark (issue: "p95 under 150 ms at a million for the network view, growth
 * clearly sublinear"). For each size (BENCH_QUESTIONS=10000,100000,1000000) a database
 * relais_bench_<size> loaded by `seed:volume` (kept between runs: generating a million takes
 * minutes; BENCH_REGENERATE=1 forces it), the compiled API in its own process, then 50
 * sequential requests per view after 5 warm-ups, timed at the client. Then the SLA handler alone
 * (no HTTP) on a pg pool, network view, 4 weeks and 12 months, reading the daily level only
 * (before ADR 0025) and whole months from the monthly level (after). Prints the tables and
 * writes them to docs/benchmarks.md. BENCH_DB_PREFIX names the bases (default relais_bench).
 */
const ROOT = path.resolve(__dirname, '../..');
const SIZES = (process.env.BENCH_QUESTIONS ?? '10000,100000,1000000').split(',').map(Number);
const REQUESTS = 50;
const WARMUP = 5;
const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CLI = path.join(ROOT, 'dist/apps/worker/apps/worker/src/cli.js');
const API = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');

interface Row {
  questions: number;
  clocks: number;
  rollupRows: number;
  monthlyRows: number;
  openQuestions: number;
  views: Record<string, { p50: number; p95: number; max: number }>;
  handler: Record<string, { p50: number; p95: number; max: number }>;
  load: string;
}

/** The dashboard as it read before the monthly level (ADR 0025): every day from tdb_sla_jour. */
class DailyOnly extends GetTableauSlaHandler {
  protected readonly niveauMensuel = false;
}

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1000}k`);
const PREFIX = process.env.BENCH_DB_PREFIX ?? 'relais_bench';
const dbUrl = (n: number) => Object.assign(new URL(ADMIN_URL), { pathname: `/${PREFIX}_${label(n)}` }).toString();

async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function run(args: string[], env: Record<string, string>): void {
  const res = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${res.status})`);
}

/** The base for n questions, generated unless an earlier run left it complete. */
async function ensureBase(n: number): Promise<void> {
  const name = `${PREFIX}_${label(n)}`;
  const exists = (await query(ADMIN_URL, `SELECT 1 FROM pg_database WHERE datname = $1`, [name])).length > 0;
  if (exists && !process.env.BENCH_REGENERATE) {
    const [{ count }] = await query(dbUrl(n), `SELECT count(*)::int AS count FROM question`).catch(() => [{ count: -1 }]);
    if (count >= n) return;
  }
  await query(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await query(ADMIN_URL, `CREATE DATABASE "${name}"`);
  const env = { DATABASE_URL: dbUrl(n), LOG_LEVEL: 'warn' };
  run(['setup'], env);
  run(['seed:volume', '--questions', String(n)], env);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function startApi(n: number): Promise<{ proc: ChildProcess; base: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [API], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: dbUrl(n), PORT: String(port), HOST: '127.0.0.1', AUTH_DEV_LOGIN: 'true', LOG_LEVEL: 'warn', QUEUE_PREFIX: 'relais-bench-tdb' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health/live`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error('API did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, base };
}

async function login(base: string, email: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function sample(once: () => Promise<number>): Promise<{ p50: number; p95: number; max: number }> {
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push(await once());
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1] };
}

const HANDLER_VIEWS = ['network (4 weeks)', 'network (12 months)'];

/** The SLA handler alone on a pg pool: daily level only (before) and monthly level (after), same process, alternating. */
async function timeHandler(url: string): Promise<Row['handler']> {
  const pool = new Pool({ connectionString: url, max: 6 });
  try {
    const q = async (sql: string, params: unknown[]) => (await pool.query(sql, params)).rows;
    const dataSource = { query: q, manager: { query: q } } as unknown as DataSource;
    const [m] = await q(`SELECT id, display_name FROM users WHERE email = 'manager.reseau@relais.demo'`, []);
    const ctx: AuthContext = { userId: m.id, email: 'manager.reseau@relais.demo', displayName: m.display_name, role: 'manager', perimetre: 'reseau', maisonId: null, directionId: null };
    const yearAgo = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
    const out: Row['handler'] = {};
    for (const [level, handler] of [
      ['daily', new DailyOnly(dataSource, new CalendarRegistry(), new SystemClock())],
      ['monthly', new GetTableauSlaHandler(dataSource, new CalendarRegistry(), new SystemClock())],
    ] as const) {
      for (const view of HANDLER_VIEWS) {
        const params = view.includes('12 months') ? { du: yearAgo } : {};
        out[`${view} ${level}`] = await sample(async () => {
          const start = process.hrtime.bigint();
          await handler.execute(new GetTableauSlaQuery(ctx, params));
          return Number(process.hrtime.bigint() - start) / 1e6;
        });
      }
    }
    return out;
  } finally {
    await pool.end();
  }
}

async function time(base: string, token: string, pathAndQuery: string, accept = 'application/json'): Promise<{ p50: number; p95: number; max: number }> {
  const once = async () => {
    const start = process.hrtime.bigint();
    const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}`, accept } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${pathAndQuery}: ${res.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) samples.push(await once());
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1] };
}

const VIEWS: Array<{ name: string; email: string; query: string; accept?: string }> = [
  { name: 'network (4 weeks)', email: 'manager.reseau@relais.demo', query: '/api/v1/tableaux-de-bord/sla' },
  { name: 'direction tourisme (4 weeks)', email: 'manager.tourisme@relais.demo', query: '/api/v1/tableaux-de-bord/sla' },
  { name: 'network (12 months)', email: 'manager.reseau@relais.demo', query: '/api/v1/tableaux-de-bord/sla?du=@YEAR_AGO@' },
  { name: 'direction tourisme (12 months)', email: 'manager.tourisme@relais.demo', query: '/api/v1/tableaux-de-bord/sla?du=@YEAR_AGO@' },
  { name: 'network CSV (4 weeks)', email: 'manager.reseau@relais.demo', query: '/api/v1/tableaux-de-bord/sla', accept: 'text/csv' },
];

async function measure(n: number): Promise<Row> {
  await ensureBase(n);
  const url = dbUrl(n);
  const [{ questions }] = await query(url, `SELECT count(*)::int AS questions FROM question`);
  const [{ clocks }] = await query(url, `SELECT count(*)::int AS clocks FROM sla_horloge`);
  const [{ rollup }] = await query(url, `SELECT count(*)::int AS rollup FROM tdb_sla_jour`);
  const [{ monthly }] = await query(url, `SELECT count(*)::int AS monthly FROM tdb_sla_mois`);
  const [{ open }] = await query(url, `SELECT count(*)::int AS open FROM question WHERE statut IN ('recue', 'escaladee', 'prise_en_charge', 'en_attente_info', 'repondue', 'rouverte')`);
  await query(url, `VACUUM ANALYZE`);
  const loadStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const handler = await timeHandler(url);
  const { proc, base } = await startApi(n);
  try {
    const yearAgo = new Date(Date.now() - 364 * 86_400_000).toISOString().slice(0, 10);
    const views: Row['views'] = {};
    for (const v of VIEWS) {
      const token = await login(base, v.email);
      const q = v.query.replace('@YEAR_AGO@', yearAgo);
      views[v.name] = await time(base, token, q, v.accept);
    }
    const loadEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    return { questions, clocks, rollupRows: rollup, monthlyRows: monthly, openQuestions: open, views, handler, load: `${loadStart} → ${loadEnd}` };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

function table(rows: Row[]): string {
  const head = `| questions | clocks | roll-up rows (daily / monthly) | open questions | ${VIEWS.map((v) => `${v.name} p50 / p95`).join(' | ')} | load average (1, 5, 15 min: start → end) |`;
  const sep = `|${'---|'.repeat(5 + VIEWS.length)}`;
  const lines = rows.map(
    (r) =>
      `| ${r.questions.toLocaleString('en')} | ${r.clocks.toLocaleString('en')} | ${r.rollupRows.toLocaleString('en')} / ${r.monthlyRows.toLocaleString('en')} | ${r.openQuestions.toLocaleString('en')} | ` +
      VIEWS.map((v) => `${r.views[v.name].p50.toFixed(1)} / ${r.views[v.name].p95.toFixed(1)} ms`).join(' | ') +
      ` | ${r.load} |`,
  );
  const handlerHead = `| questions | ${HANDLER_VIEWS.flatMap((v) => [`${v}, daily level only (before) p50 / p95`, `${v}, monthly level (after) p50 / p95`]).join(' | ')} |`;
  const handlerLines = rows.map(
    (r) =>
      `| ${r.questions.toLocaleString('en')} | ` +
      HANDLER_VIEWS.flatMap((v) => ['daily', 'monthly'].map((l) => r.handler[`${v} ${l}`]))
        .map((t) => `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)} ms`)
        .join(' | ') +
      ' |',
  );
  return [head, sep, ...lines, '', 'The SLA handler alone (no HTTP, pg pool of 6):', '', handlerHead, `|${'---|'.repeat(1 + 2 * HANDLER_VIEWS.length)}`, ...handlerLines].join('\n');
}

describe('dashboard benchmark', () => {
  it('times the SLA dashboard at 10k, 100k and 1M questions', async () => {
    for (const app of ['api', 'worker']) {
      const build = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], { cwd: ROOT, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(build.stdout + build.stderr);
    }
    const rows: Row[] = [];
    for (const n of SIZES) rows.push(await measure(n));
    const out = table(rows);
    console.log(`\n${out}\n`);
    const doc = path.join(ROOT, 'docs/benchmarks.md');
    const section =
      `## SLA dashboards\n\n` +
      `\`npm run bench -- test/bench/dashboards.bench.ts\` on ${new Date().toISOString().slice(0, 10)}, this machine (2 cores), PostgreSQL 15, ` +
      `the compiled API in its own process; bases generated by \`npm run seed:volume -- --questions N\` (24 months of questions). ` +
      `${REQUESTS} sequential requests per view after ${WARMUP} warm-ups, timed at the client (HTTP, authentication and JSON included).\n\n${out}\n`;
    const text = readFileSync(doc, 'utf8');
    writeFileSync(doc, text.includes('## SLA dashboards') ? text.replace(/## SLA dashboards\n[\s\S]*?(?=\n## |$)/, section) : `${text.trimEnd()}\n\n${section}`);
    for (const r of rows) expect(r.questions).toBeGreaterThan(0);
  }, 3 * 60 * 60_000);
});
