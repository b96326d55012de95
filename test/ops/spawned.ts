import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';

/** Helpers for suites that run the compiled processes as production does (own process, real stdout). */
export const ROOT = path.resolve(__dirname, '../..');
export const API_MAIN = 'dist/apps/api/apps/api/src/main.js';
export const WORKER_MAIN = 'dist/apps/worker/apps/worker/src/main.js';
export const CLI = 'dist/apps/worker/apps/worker/src/cli.js';
export const START = 'apps/worker/bin/start.mjs';

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * What every compiled API or worker a suite starts is given: its database, its Redis and queue
 * prefix, loopback only, the development login, nothing else from the caller's environment but
 * PATH. Suites add their own settings after it.
 */
export function processEnv(databaseUrl: string, redisUrl: string, queuePrefix: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    HOST: '127.0.0.1',
    AUTH_DEV_LOGIN: 'true',
  };
}

export function spawnNode(args: string[], env: NodeJS.ProcessEnv): Spawned {
  return spawnCommand(process.execPath, args, env);
}

/** Any program, run from the checkout's root with its output kept (e.g. `ip netns exec … node …`). */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Compiles the apps (the suites test dist/, as production runs it). */
export function build(...apps: Array<'api' | 'worker'>): void {
  for (const app of apps) {
    const result = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`nest build ${app} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Compiles both apps (and stamps dist/) unless dist/ is current, as `npm start` does; a no-op under `npm test`, which built first. */
export function buildIfStale(): void {
  const outputs = JSON.stringify([API_MAIN, WORKER_MAIN, CLI]);
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import('./apps/worker/bin/build-if-stale.mjs').then((m) => m.buildIfStale(${outputs}))`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

/** Polls until the URL answers (any status) or the process exits. */
export async function waitForHttp(url: string, process: Spawned, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`the process exited:\n${process.stdout()}\n${process.stderr()}`);
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${process.stdout()}\n${process.stderr()}`);
}
