// `npm start`: compiles when the sources changed (build-if-stale.mjs), prepares the database
// (create, migrate, seed the demo) and runs the API and the worker side by side, forwarding
// signals so that Ctrl-C stops both cleanly.
// The demo turns the development login on unless AUTH_DEV_LOGIN is set explicitly or the setting
// is not a demo (OIDC_ISSUER or NODE_ENV=production, where the API refuses it), and fills a
// database that has no question yet with DEMO_QUESTIONS generated ones (default 1500, 0: none),
// so that queues, timelines and dashboards have something to show.
// Nothing installed but Node.js (issue #16): with DATABASE_URL unset and nothing answering at
// 127.0.0.1:5432, a PostgreSQL of its own (embedded.mjs); with REDIS_URL unset and nothing at
// 127.0.0.1:6379, the job queues on PostgreSQL (FILES_ATTENTE=postgres). Never in production.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';
import { answers, DEFAULT_EMBEDDED_PORT, EmbeddedError, startEmbeddedPostgres } from './embedded.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const demoLogin = process.env.OIDC_ISSUER || process.env.NODE_ENV === 'production' ? 'false' : 'true';
const env = { ...process.env, AUTH_DEV_LOGIN: process.env.AUTH_DEV_LOGIN ?? demoLogin };
const API = 'dist/apps/api/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/apps/worker/src/main.js';
const CLI = 'dist/apps/worker/apps/worker/src/cli.js';
const README_HINT = 'voir le README, « With only Node.js installed »';

let embedded = null;
let startingEmbedded = false; // a signal then waits for it, so as to stop it
let current = null; // the setup step running, to forward a signal to
let stopping = false;
const children = [];

/** Stops the embedded PostgreSQL (if any) once nothing uses it any more, then exits. */
function finish(code) {
  embedded?.stop();
  process.exit(code);
}

function stopAll(signal) {
  if (stopping) return;
  stopping = true;
  if (current && current.exitCode === null) current.kill(signal);
  for (const [, child] of children) if (child.exitCode === null) child.kill(signal);
  if (!current && children.length === 0 && !startingEmbedded) finish(1);
}
process.on('SIGINT', () => stopAll('SIGTERM'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
process.on('SIGHUP', () => stopAll('SIGTERM'));
// Any other way out (an unexpected error included): stop() is synchronous, so it runs here too.
process.on('exit', () => embedded?.stop());

/** A setup step (migrations, demo volume) as a child whose exit code we wait for. */
function step(args) {
  return new Promise((resolve) => {
    current = spawn(process.execPath, args, { env, stdio: 'inherit' });
    current.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

let built = false;
function build() {
  if (!built) buildIfStale([API, WORKER, CLI, 'dist/web/index.html'], env.RELAIS_BUILD === 'always');
  built = true;
}

/** The framed block that tells which servers run where (before the JSON log lines start). */
function frame(lines) {
  const rule = '═'.repeat(78);
  console.log(['', rule, ...lines.map((line) => (line ? `  ${line}` : '')), rule, ''].join('\n'));
}

/**
 * Decides where PostgreSQL and the queues run, before any child starts. Only a variable left
 * unset falls back, and only when nothing answers at its default address (a refusal or a
 * timeout: a server that answers but refuses the credentials is reported by the preflight, not
 * replaced). In production there is no fallback: the variable is required.
 */
async function chooseServers() {
  if (env.NODE_ENV === 'production') {
    const missing = [env.DATABASE_URL ? null : 'DATABASE_URL', env.REDIS_URL || env.FILES_ATTENTE === 'postgres' ? null : 'REDIS_URL'].filter(Boolean);
    if (missing.length) {
      console.error(
        `Relais ne peut pas démarrer : ${missing.join(' et ')} ${missing.length > 1 ? 'sont obligatoires' : 'est obligatoire'} en production ` +
          `(NODE_ENV=production) : ni PostgreSQL embarqué ni files d’attente de repli en production ; ${README_HINT}.`,
      );
      process.exit(1);
    }
    return [];
  }
  const mode = [];
  const [pgDefault, redisDefault] = await Promise.all([
    env.DATABASE_URL ? true : answers('127.0.0.1', 5432),
    env.REDIS_URL || env.FILES_ATTENTE ? true : answers('127.0.0.1', 6379),
  ]);
  // Compiled first (it may take a minute, during which signals wait): only then PostgreSQL.
  build();
  if (stopping) finish(0);
  if (!pgDefault) {
    const dir = path.resolve(ROOT, env.RELAIS_EMBARQUE_DIR ?? '.relais/postgres');
    const shown = path.relative(ROOT, dir).startsWith('..') ? dir : path.relative(ROOT, dir);
    const port = Number(env.RELAIS_EMBARQUE_PORT ?? DEFAULT_EMBEDDED_PORT);
    try {
      startingEmbedded = true;
      embedded = await startEmbeddedPostgres({ dir, port });
    } catch (err) {
      if (!(err instanceof EmbeddedError)) throw err;
      console.error(`Relais ne peut pas démarrer : PostgreSQL embarqué dans ${shown} : ${err.message} ; ${README_HINT}.`);
      process.exit(1);
    } finally {
      startingEmbedded = false;
    }
    if (stopping) finish(0);
    env.DATABASE_URL = embedded.appUrl;
    env.DATABASE_OWNER_URL = embedded.ownerUrl;
    mode.push(
      `PostgreSQL embarqué dans ${shown} (port ${port}, 127.0.0.1 seulement) : rien ne répondait à 127.0.0.1:5432.`,
      `  Pour un vrai serveur : DATABASE_URL=postgres://relais_app@hôte:5432/relais (et DATABASE_OWNER_URL) ; les données embarquées restent dans ce dossier.`,
    );
  }
  if (!redisDefault) {
    env.FILES_ATTENTE = 'postgres';
    mode.push(
      'Redis absent (rien ne répondait à 127.0.0.1:6379) : files d’attente sur PostgreSQL.',
      '  Pour Redis : démarrez-le sur 127.0.0.1:6379 ou donnez REDIS_URL=redis://hôte:6379.',
    );
  }
  if (mode.length) frame(['Relais démarre sans serveur installé (mode embarqué, pour le développement) :', ...mode]);
  return mode.filter((line) => !line.startsWith(' '));
}

const modeLines = await chooseServers();
build(); // in production, or with servers given

const setup = await step([CLI, 'setup']);
if (stopping) finish(0);
if (setup !== 0) finish(setup);
const demoQuestions = env.DEMO_QUESTIONS ?? '1500';
if (demoQuestions !== '0') {
  const demo = await step([CLI, 'seed:volume', '--questions', demoQuestions, '--if-empty']);
  if (stopping) finish(0);
  if (demo !== 0) finish(demo);
}

children.push(['api', spawn(process.execPath, [API], { env, stdio: 'inherit' })], ['worker', spawn(process.execPath, [WORKER], { env, stdio: 'inherit' })]);
let exitCode = 0;
let alive = children.length;
for (const [name, child] of children) {
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`Relais : le processus ${name} s’est arrêté (${signal ?? code}) ; arrêt de l’ensemble.`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (--alive === 0) finish(exitCode);
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
      if (modeLines?.length) lines.push('', ...modeLines);
      lines.push('', 'Pas à pas : README, « Walk-through ». Arrêt : Ctrl-C.');
      frame(lines);
      break;
    }
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 500));
}
