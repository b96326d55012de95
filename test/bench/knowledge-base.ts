import '../setup/register-aliases';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { addKnowledgeVolume } from './knowledge-volume';

/**
 * The knowledge benchmarks' base (search and suggestions, issue 14): one database,
 * relais_bench_recherche_<n>, kept between runs (generating a million questions takes about
 * twenty minutes here; BENCH_REGENERATE=1 forces it): `cli.js setup`, `seed:volume --questions n`,
 * then the published answers and documents of knowledge-volume.ts; and the compiled API started
 * on it in its own process (`npm run build` first).
 */
export const ROOT = path.resolve(__dirname, '../..');
export const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 1_000_000);
export const REPONSES = Number(process.env.BENCH_REPONSES ?? 50_000);
export const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 10_000);
export const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const CLI = path.join(ROOT, 'dist/apps/worker/apps/worker/src/cli.js');
export const API = path.join(ROOT, 'dist/apps/api/apps/api/src/main.js');

export const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1000}k`);
export const dbName = `relais_bench_recherche_${label(QUESTIONS)}`;
export const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();

export async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export function cli(args: string[]): void {
  const res = spawnSync(process.execPath, ['--max-semi-space-size=128', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${res.status})`);
}

/** The base: questions (seed:volume) unless an earlier run left them, migrations, then the knowledge rows. */
export async function ensureBase(): Promise<{ questions: number; reponses: number; retirees: number; documents: number; avecTexte: number; texteMo: number; generation: string }> {
  const exists = (await query(ADMIN_URL, `SELECT 1 FROM pg_database WHERE datname = $1`, [dbName])).length > 0;
  let fresh = !exists || Boolean(process.env.BENCH_REGENERATE);
  if (!fresh) {
    const [{ count }] = await query(dbUrl, `SELECT count(*)::int AS count FROM question`).catch(() => [{ count: -1 }]);
    fresh = count < QUESTIONS;
  }
  const generation: string[] = [];
  if (fresh) {
    await query(ADMIN_URL, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await query(ADMIN_URL, `CREATE DATABASE "${dbName}"`);
    cli(['setup']);
    const t = Date.now();
    cli(['seed:volume', '--questions', String(QUESTIONS)]);
    generation.push(`${QUESTIONS.toLocaleString('en')} questions by seed:volume in ${Math.round((Date.now() - t) / 1000)} s`);
  }
  cli(['migrate']);
  const [{ n }] = await query(dbUrl, `SELECT count(*)::int AS n FROM reponse_publiee`);
  if (n === 0) {
    const report = await addKnowledgeVolume(dbUrl, { reponses: REPONSES, documents: DOCUMENTS, seed: 14, log: (line) => process.stdout.write(`${line}\r`) });
    generation.push(`${REPONSES.toLocaleString('en')} answers and ${DOCUMENTS.toLocaleString('en')} documents by knowledge-volume.ts in ${Math.round(report.secondes)} s (triggers and indexes maintained row by row)`);
    await query(dbUrl, `VACUUM ANALYZE reponse_publiee`);
    await query(dbUrl, `VACUUM ANALYZE document`);
    await query(dbUrl, `VACUUM ANALYZE dispositif`);
  }
  const [c] = await query(
    dbUrl,
    `SELECT (SELECT count(*)::int FROM question) AS questions,
            (SELECT count(*)::int FROM reponse_publiee) AS reponses,
            (SELECT count(*)::int FROM reponse_publiee WHERE retiree_le IS NOT NULL) AS retirees,
            (SELECT count(*)::int FROM document) AS documents,
            (SELECT count(*)::int FROM document WHERE texte IS NOT NULL) AS avec_texte,
            (SELECT round(sum(length(texte)) / 1e6, 1)::float FROM document) AS texte_mo`,
  );
  return { questions: c.questions, reponses: c.reponses, retirees: c.retirees, documents: c.documents, avecTexte: c.avec_texte, texteMo: c.texte_mo, generation: generation.join('; ') || 'reused from an earlier run' };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startApi(): Promise<{ proc: ChildProcess; base: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [API], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', AUTH_DEV_LOGIN: 'true', LOG_LEVEL: 'warn', QUEUE_PREFIX: 'relais-bench-recherche' },
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

export const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
