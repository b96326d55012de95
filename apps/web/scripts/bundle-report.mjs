#!/usr/bin/env node
// The web app's bundle, route by route (issue 12: "JavaScript loaded for the first screen ≤ 200 KB
// gzip; report every route's chunk"). Builds the app (production), reads Vite's manifest
// (dist/web/.vite/manifest.json) and apps/web/src/app/App.tsx's routes, and prints a Markdown table:
// the first screen's JavaScript (the entry and its static imports) and, for each route, the chunks it
// adds (its lazy page and the shared chunks that page imports), raw and gzip.
//
//   node apps/web/scripts/bundle-report.mjs [--no-build] [--write] [--json]
//     --no-build  use the existing dist/web
//     --write     replace the "## Web app bundle" section of docs/benchmarks.md
//     --json      print the figures as JSON (for the tests) instead of the table
// Exits 1 when the first screen's JavaScript exceeds the budget.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB = path.join(ROOT, 'apps/web');
const DIST = path.join(ROOT, 'dist/web');
/** 200 KB, counted as Vite counts (1 kB = 1,000 bytes): the stricter reading. */
export const FIRST_SCREEN_BUDGET_GZIP = 200_000;

const args = new Set(process.argv.slice(2));

function build() {
  execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--config', path.join(WEB, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

function sizes(file) {
  const bytes = readFileSync(path.join(DIST, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes).length };
}

/** Route path → the lazy components its element renders, read from App.tsx. */
function routes() {
  const app = readFileSync(path.join(WEB, 'src/app/App.tsx'), 'utf8');
  const lazy = new Map();
  for (const [, name, source] of app.matchAll(/const (\w+) = lazy\(\(\) => import\('([^']+)'\)/g)) {
    lazy.set(name, path.posix.normalize(path.posix.join('src/app', source)));
  }
  const out = [];
  for (const [, route, element] of app.matchAll(/\{ (?:path: '([^']*)'|index: true),(.*)$/gm)) {
    const components = [...element.matchAll(/<(\w+)\b/g)].map((m) => m[1]).filter((n) => lazy.has(n));
    out.push({ route: route === undefined ? '/' : `/${route}`, sources: components.map((n) => lazy.get(n)) });
  }
  return { out, lazy };
}

export function report() {
  const manifest = JSON.parse(readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8'));
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  /** A chunk and everything it imports statically (what the browser fetches with it). */
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const imported of manifest[key].imports ?? []) closure(imported, seen);
    return seen;
  };
  const firstScreen = [...closure(entryKey)];
  const js = firstScreen.map((k) => sizes(manifest[k].file));
  const css = [...new Set(firstScreen.flatMap((k) => manifest[k].css ?? []))].map(sizes);
  const html = sizes('index.html');
  const sum = (list, key) => list.reduce((total, s) => total + s[key], 0);
  const first = { chunks: js, css, html, jsGzip: sum(js, 'gzip'), jsRaw: sum(js, 'raw'), cssGzip: sum(css, 'gzip') };

  const { out } = routes();
  const mapped = new Set();
  const perRoute = out.map(({ route, sources }) => {
    const keys = new Set();
    for (const module of sources) {
      const source = [`${module}.tsx`, `${module}.ts`, `${module}/index.tsx`, module].find((k) => manifest[k]);
      if (!source) continue; // listed below among the chunks no route names
      mapped.add(source);
      for (const k of closure(source)) if (!firstScreen.includes(k)) keys.add(k);
    }
    const chunks = [...keys].map((k) => ({ ...sizes(manifest[k].file), name: manifest[k].name, shared: !manifest[k].isDynamicEntry }));
    return { route, chunks, raw: sum(chunks, 'raw'), gzip: sum(chunks, 'gzip'), totalGzip: first.jsGzip + sum(chunks, 'gzip') };
  });
  // Lazy chunks no route of App.tsx names (e.g. a component loaded on demand): listed too.
  const unmapped = Object.keys(manifest)
    .filter((k) => manifest[k].isDynamicEntry && !mapped.has(k))
    .map((k) => ({ ...sizes(manifest[k].file), name: manifest[k].name }));
  return { first, perRoute, unmapped, budget: FIRST_SCREEN_BUDGET_GZIP };
}

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

export function markdown(r) {
  const lines = [];
  lines.push(`| chunk | loaded by | raw | gzip |`, `| --- | --- | ---: | ---: |`);
  for (const c of r.first.chunks) lines.push(`| \`${c.file.replace(/^assets\//, '')}\` | every screen (entry) | ${kb(c.raw)} | ${kb(c.gzip)} |`);
  for (const c of r.first.css) lines.push(`| \`${c.file.replace(/^assets\//, '')}\` | every screen (CSS) | ${kb(c.raw)} | ${kb(c.gzip)} |`);
  lines.push(`| **first screen's JavaScript** (entry + its static imports) | Connexion, and every first load | ${kb(r.first.jsRaw)} | **${kb(r.first.jsGzip)}** |`);
  lines.push('', `| route | chunks it adds (lazy page + shared chunks) | raw | gzip | JS in all, gzip |`, `| --- | --- | ---: | ---: | ---: |`);
  for (const p of r.perRoute) {
    const names = p.chunks.length ? p.chunks.map((c) => `\`${c.name}\`${c.shared ? ' (shared)' : ''} ${kb(c.gzip)}`).join(', ') : '— (in the entry)';
    lines.push(`| \`${p.route}\` | ${names} | ${kb(p.raw)} | ${kb(p.gzip)} | ${kb(p.totalGzip)} |`);
  }
  for (const c of r.unmapped) lines.push(`| (no route) | \`${c.name}\` | ${kb(c.raw)} | ${kb(c.gzip)} | |`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  if (!args.has('--no-build')) build();
  const r = report();
  if (args.has('--json')) console.log(JSON.stringify(r));
  else console.log(`\n${markdown(r)}\n\nFirst screen: ${kb(r.first.jsGzip)} gzip of JavaScript (budget ${kb(r.budget)}).`);
  if (args.has('--write')) {
    const doc = path.join(ROOT, 'docs/benchmarks.md');
    const vite = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/vite/package.json'), 'utf8')).version;
    const section =
      `## Web app bundle\n\n` +
      `\`npm run bench:web\` (apps/web/scripts/bundle-report.mjs: Vite ${vite}, production build, target es2022, routes read from \`App.tsx\` and mapped ` +
      `to chunks through Vite's manifest; gzip by Node's zlib at its default level) on ${new Date().toISOString().slice(0, 10)}. ` +
      `Target (issue 12): ≤ 200 KB gzip of JavaScript for the first screen, with route-level code splitting; ` +
      `\`test/web/bundle-size.e2e-spec.ts\` holds it.\n\n${markdown(r)}\n\n` +
      `First screen: **${kb(r.first.jsGzip)} gzip of JavaScript** + ${kb(r.first.cssGzip)} of CSS + ${kb(r.first.html.gzip)} of HTML.\n`;
    const text = readFileSync(doc, 'utf8');
    writeFileSync(doc, text.includes('## Web app bundle') ? text.replace(/## Web app bundle\n[\s\S]*?(?=\n## |$)/, section) : `${text.trimEnd()}\n\n${section}`);
  }
  if (r.first.jsGzip > r.budget) {
    console.error(`First screen ${kb(r.first.jsGzip)} gzip > ${kb(r.budget)}`);
    process.exit(1);
  }
}
