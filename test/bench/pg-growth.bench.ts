import '../setup/register-aliases';
import { spawnSync } from 'node:child_process';
import { ADMIN_URL, CLI, label, query, ROOT } from './knowledge-base';

/**
 * PostgreSQL growth per 100,000 questions (issue #16, docs/scaling.md). For each N of
 * BENCH_GROWTH_QUESTIONS (default 10000; the docs' figures: 100000,200000, to check that growth
 * is linear), a database relais_bench_croissance_<n> made by the project's own tools: `cli.js
 * setup` then `seed:volume --questions N` (24 months of question lives: timelines, clocks, fires,
 * holders; the dashboards' roll-up rebuilt), kept between runs (BENCH_REGENERATE=1 remakes it).
 * A database with `setup` alone is the baseline. Per table: heap with TOAST (pg_table_size) and
 * indexes (pg_indexes_size), growth over the baseline, scaled to 100,000 questions.
 * `seed:volume` writes no outbox, processed_event or notification rows: worker-throughput.bench.ts
 * measures those on whole lives taken through the API. `npm run build` first.
 */
const SIZES = (process.env.BENCH_GROWTH_QUESTIONS ?? '10000').split(',').map(Number).sort((a, b) => a - b);
const urlOf = (db: string) => Object.assign(new URL(ADMIN_URL), { pathname: `/${db}` }).toString();

function cli(db: string, args: string[]): void {
  const res = spawnSync(process.execPath, ['--max-semi-space-size=128', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: urlOf(db), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${res.status})`);
}

async function ensure(db: string, questions: number): Promise<string | null> {
  const exists = (await query(ADMIN_URL, `SELECT 1 FROM pg_database WHERE datname = $1`, [db])).length > 0;
  if (exists && !process.env.BENCH_REGENERATE) {
    const [{ n }] = await query(urlOf(db), `SELECT count(*)::int AS n FROM question`).catch(() => [{ n: -1 }]);
    if (n === questions) return null;
  }
  await query(ADMIN_URL, `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await query(ADMIN_URL, `CREATE DATABASE "${db}"`);
  cli(db, ['setup']);
  const t = Date.now();
  if (questions > 0) cli(db, ['seed:volume', '--questions', String(questions)]);
  return `${questions.toLocaleString('en')} questions in ${Math.round((Date.now() - t) / 1000)} s`;
}

interface Sizes {
  tables: Map<string, { rows: number; heap: number; indexes: number }>;
  database: number;
}

async function measure(db: string): Promise<Sizes> {
  const url = urlOf(db);
  await query(url, `VACUUM ANALYZE`);
  const rows: Array<{ relname: string; heap: string; indexes: string }> = await query(
    url,
    `SELECT c.relname, pg_table_size(c.oid) AS heap, pg_indexes_size(c.oid) AS indexes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`,
  );
  const tables = new Map<string, { rows: number; heap: number; indexes: number }>();
  for (const r of rows) {
    const [{ n }] = await query(url, `SELECT count(*)::int AS n FROM "${r.relname}"`);
    tables.set(r.relname, { rows: n, heap: Number(r.heap), indexes: Number(r.indexes) });
  }
  const [{ size }] = await query(url, `SELECT pg_database_size(current_database()) AS size`);
  return { tables, database: Number(size) };
}

describe('PostgreSQL growth per 100,000 questions', () => {
  it('measures tables and indexes on generated question lives', async () => {
    const made: string[] = [];
    const baseDb = 'relais_bench_croissance_0';
    await ensure(baseDb, 0);
    const base = await measure(baseDb);
    const runs: Array<{ n: number; sizes: Sizes }> = [];
    for (const n of SIZES) {
      const db = `relais_bench_croissance_${label(n)}`;
      const note = await ensure(db, n);
      if (note) made.push(note);
      runs.push({ n, sizes: await measure(db) });
    }
    await query(ADMIN_URL, `DROP DATABASE IF EXISTS "${baseDb}" WITH (FORCE)`);

    const mb = (b: number) => (b / 1e6).toFixed(1);
    const per100k = (bytes: number, n: number) => (bytes * 100_000) / n;
    const first = runs[0];
    const grown = [...first.sizes.tables.keys()]
      .map((t) => {
        const g = (s: Sizes) => {
          const a = s.tables.get(t)!;
          const b = base.tables.get(t) ?? { rows: 0, heap: 0, indexes: 0 };
          return { rows: a.rows - b.rows, heap: a.heap - b.heap, indexes: a.indexes - b.indexes };
        };
        return { table: t, byRun: runs.map((r) => ({ n: r.n, ...g(r.sizes) })) };
      })
      .filter((t) => t.byRun.some((r) => r.rows > 0))
      .sort((a, b) => b.byRun[0].heap + b.byRun[0].indexes - (a.byRun[0].heap + a.byRun[0].indexes));
    const head =
      `| table | rows per question | heap + TOAST, MB per 100k | indexes, MB per 100k | ` +
      runs.map((r) => `total per 100k at ${r.n.toLocaleString('en')}`).join(' | ') +
      ' |';
    const lines = [head, `|---|---:|---:|---:|${runs.map(() => '---:').join('|')}|`];
    for (const t of grown) {
      const r0 = t.byRun[0];
      lines.push(
        `| \`${t.table}\` | ${(r0.rows / r0.n).toFixed(2)} | ${mb(per100k(r0.heap, r0.n))} | ${mb(per100k(r0.indexes, r0.n))} | ` +
          t.byRun.map((r) => `${mb(per100k(r.heap + r.indexes, r.n))} MB`).join(' | ') +
          ' |',
      );
    }
    const sum = (run: (typeof grown)[number]['byRun'][number][]) => run.reduce((s, r) => s + r.heap + r.indexes, 0);
    const heap0 = grown.reduce((s, t) => s + t.byRun[0].heap, 0);
    const idx0 = grown.reduce((s, t) => s + t.byRun[0].indexes, 0);
    lines.push(
      `| **tables above** | | **${mb(per100k(heap0, first.n))}** | **${mb(per100k(idx0, first.n))}** | ` +
        runs.map((r, k) => `**${mb(per100k(sum(grown.map((t) => t.byRun[k])), r.n))} MB**`).join(' | ') +
        ' |',
    );
    lines.push(`| whole database (pg_database_size) | | | | ` + runs.map((r) => `${mb(per100k(r.sizes.database - base.database, r.n))} MB`).join(' | ') + ' |');
    const out = lines.join('\n');
    console.log(`\nPostgreSQL growth per 100,000 questions (seed:volume; ${made.length ? `generated now: ${made.join('; ')}` : 'databases from an earlier run'})\n\n${out}\n`);

    // Linear: the per-100k total at the largest size within 15 % of the smallest's.
    if (runs.length > 1) {
      const a = per100k(runs[0].sizes.database - base.database, runs[0].n);
      const b = per100k(runs[runs.length - 1].sizes.database - base.database, runs[runs.length - 1].n);
      expect(Math.abs(b - a) / a).toBeLessThan(0.15);
    }
  }, 60 * 60_000);
});
