// `npm start` compiles (both apps with nest, the web app with vite into dist/web) only when
// something that goes into dist/ changed since the last build it made: a source or tsconfig under apps/ or libs/ (a directory's own mtime catches a deleted or
// renamed file), nest-cli.json, tsconfig.json, package.json or package-lock.json. Otherwise the
// 15–40 s `nest build` of both apps is skipped. The stamp takes the time the build started, so
// an edit made during the build still triggers the next one. RELAIS_BUILD=always forces it;
// RELAIS_BUILD=never skips it (the test runner builds once, then no suite may rebuild dist/ under another).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const STAMP = 'dist/.build-stamp';
export const INPUTS = ['apps', 'libs', 'nest-cli.json', 'tsconfig.json', 'package.json', 'package-lock.json'];

function newestMtime(entry) {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  let newest = stat.mtimeMs;
  if (stat.isDirectory()) for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** dist/ is current: every output exists and no input is newer than the last build's start. */
export function buildIsCurrent(root, outputs) {
  const stamp = statSync(path.join(root, STAMP), { throwIfNoEntry: false });
  return Boolean(
    stamp && outputs.every((file) => existsSync(path.join(root, file))) && Math.max(...INPUTS.map((input) => newestMtime(path.join(root, input)))) < stamp.mtimeMs,
  );
}

/** Compiles both apps and the web app unless dist/ is current (cwd: the repository); exits when the build fails. */
export function buildIfStale(outputs, force = false) {
  const root = process.cwd();
  if (!force && process.env.RELAIS_BUILD === 'never') return false;
  if (!force && buildIsCurrent(root, outputs)) return false;
  console.log('Compilation de Relais (sources modifiées depuis la dernière compilation)…');
  const stampPath = path.join(root, STAMP);
  if (existsSync(stampPath)) unlinkSync(stampPath);
  const startedAt = new Date();
  const nest = createRequire(path.join(root, 'package.json')).resolve('@nestjs/cli/bin/nest.js');
  for (const app of ['api', 'worker']) {
    const build = spawnSync(process.execPath, [nest, 'build', app], { stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  // vite's package exports do not list its bin: find it beside its package.json.
  const vite = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('vite/package.json')), 'bin/vite.js');
  const web = spawnSync(process.execPath, [vite, 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (web.status !== 0) process.exit(web.status ?? 1);
  writeFileSync(stampPath, `${startedAt.toISOString()}\n`);
  utimesSync(stampPath, startedAt, startedAt);
  return true;
}
