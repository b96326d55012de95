// `npm start`: compiles when the sources changed (build-if-stale.mjs), prepares the database
// (create, migrate, seed the demo) and runs the API and the worker side by side, forwarding
// signals so that Ctrl-C stops both cleanly.
// The demo turns the development login on unless AUTH_DEV_LOGIN is set explicitly or the setting
// is not a demo (OIDC_ISSUER or NODE_ENV=production, where the API refuses it), and fills a
// database that has no question yet with DEMO_QUESTIONS generated ones (default 1500, 0: none),
// so that queues, timelines and dashboards have something to show.
import { spawn, spawnSync } from 'node:child_process';
import { buildIfStale } from './build-if-stale.mjs';

const demoLogin = process.env.OIDC_ISSUER || process.env.NODE_ENV === 'production' ? 'false' : 'true';
const env = { ...process.env, AUTH_DEV_LOGIN: process.env.AUTH_DEV_LOGIN ?? demoLogin };
const API = 'dist/apps/api/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/apps/worker/src/main.js';
const CLI = 'dist/apps/worker/apps/worker/src/cli.js';

buildIfStale([API, WORKER, CLI, 'dist/web/index.html'], env.RELAIS_BUILD === 'always');

const setup = spawnSync(process.execPath, [CLI, 'setup'], { env, stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);
const demoQuestions = env.DEMO_QUESTIONS ?? '1500';
if (demoQuestions !== '0') {
  const demo = spawnSync(process.execPath, [CLI, 'seed:volume', '--questions', demoQuestions, '--if-empty'], { env, stdio: 'inherit' });
  if (demo.status !== 0) process.exit(demo.status ?? 1);
}

const children = [
  ['api', spawn(process.execPath, [API], { env, stdio: 'inherit' })],
  ['worker', spawn(process.execPath, [WORKER], { env, stdio: 'inherit' })],
];

let stopping = false;
function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  for (const [, child] of children) if (child.exitCode === null) child.kill(signal);
}
process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
let exitCode = 0;
let alive = children.length;
for (const [name, child] of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`Relais : le processus ${name} s’est arrêté (${signal ?? code}) ; arrêt de l’ensemble.`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (--alive === 0) process.exit(exitCode);
  });
}

// Tell the person at the keyboard where to go once the API answers: one block, framed, so that
// it stands out from the JSON log lines around it.
const port = Number(env.PORT ?? 3000);
const base = `http://localhost:${port}`;
for (let i = 0; i < 60 && !stopping; i++) {
  try {
    const res = await fetch(`${base}/health/ready`);
    if (res.ok) {
      const lines = [`Relais est prêt : ouvrez ${base}/ (application web)`, `API : ${base}/api/v1 — documentation : ${base}/api/docs — document OpenAPI : ${base}/api/docs-json`];
      if (env.AUTH_DEV_LOGIN === 'true') {
        const users = await (await fetch(`${base}/api/v1/auth/dev-users`)).json().catch(() => []);
        const shown = ['agent.carcassonne@relais.demo', 'referent.tourisme@relais.demo', 'cabinet.conseiller@relais.demo', 'manager.reseau@relais.demo', 'admin@relais.demo'];
        lines.push('', `Connexion de démonstration : choisissez une personne sur ${base}/connexion (ou POST /api/v1/auth/dev-login {"email": "…"}), par exemple :`);
        for (const u of users.filter((u) => shown.includes(u.email)))
          lines.push(`  ${u.email.padEnd(34)} ${u.role.padEnd(16)} ${u.displayName}${u.maisonNom ? ` — ${u.maisonNom}` : u.directionNom ? ` — ${u.directionNom}` : ''}`);
        lines.push(`  (${users.length} comptes : GET /api/v1/auth/dev-users)`);
      }
      lines.push('', 'Pas à pas : README, « Walk-through ». Arrêt : Ctrl-C.');
      const rule = '═'.repeat(78);
      console.log(['', rule, ...lines.map((line) => (line ? `  ${line}` : '')), rule, ''].join('\n'));
      break;
    }
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 500));
}
