import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { testConfig } from './test-env';

/**
 * PostgreSQL and Redis servers of a test's own, for fault tests that stop, crash or restart
 * them: never the shared ones. Ports: the caller's (its helper range), data in a temp folder
 * removed at the end.
 */

const PG_BIN = (() => {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root);
  return path.join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
})();

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary as the `postgres` user when we are root (PostgreSQL refuses root). */
function pg(bin: string, args: string[]): string {
  const file = path.join(PG_BIN, bin);
  return asRoot
    ? execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** initdb in a temp folder and start (trust auth, no fsync: a test server). */
  static async start(port: number): Promise<OwnPostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), `relais-pg-${port}-`));
    if (asRoot) execFileSync('chown', ['postgres', dir]);
    pg('initdb', ['-D', path.join(dir, 'data'), '--username=postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const server = new OwnPostgres(port, dir);
    await server.startAgain();
    return server;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the (stopped) server and waits until it accepts connections. */
  async startAgain(): Promise<void> {
    pg('pg_ctl', [
      'start', '-w', '-D', path.join(this.dir, 'data'), '-l', path.join(this.dir, 'log'),
      '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`,
    ]);
  }

  /** `fast`: a clean shutdown (sessions get 57P01); `immediate`: a crash. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    pg('pg_ctl', ['stop', '-w', '-D', path.join(this.dir, 'data'), '-m', mode]);
  }

  async restart(): Promise<void> {
    this.stop('fast');
    await this.startAgain();
  }

  /** A database with every migration applied. */
  async createDatabase(name: string): Promise<string> {
    const admin = new Client({ connectionString: this.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = this.url(name);
    const dataSource = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: url })), logging: false } as never);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.destroy();
    return url;
  }

  async destroy(): Promise<void> {
    try {
      this.stop('immediate');
    } catch {
      /* already stopped */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class OwnRedis {
  private process: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(port: number): Promise<OwnRedis> {
    const server = new OwnRedis(port);
    await server.startAgain();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts an empty Redis (no persistence: a restart loses everything, the worst case). */
  async startAgain(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const client = new Redis({ port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    await until(() => client.connect().then(() => true, () => false), 10_000, 'redis start');
    client.disconnect();
  }

  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for its exit. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
  }
}

export { until };
