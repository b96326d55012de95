import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { QueueName, redisOptions } from '@app/core';
import { API_MAIN, freePort, Spawned, spawnNode, waitForHttp, WORKER_MAIN } from '../ops/spawned';
import { waitFor } from './wait-for';

/**
 * A scaled deployment on loopback, as the multi-process suite and the load benchmark run it:
 * N compiled API processes and M compiled workers on one PostgreSQL and one Redis, optionally
 * behind a round-robin balancer. The caller builds dist/ first (buildIfStale) and owns the
 * database and the Redis logical database the environment names.
 */

/** Requests hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];

/**
 * A loopback round-robin reverse proxy, as small as one can be: each request goes to the next
 * API, with X-Forwarded-For appended (the APIs run with TRUST_PROXY), and the answer streams
 * back as it comes, server-sent events included. `served` says which API took each request.
 */
export class Balancer {
  readonly served: number[] = [];
  private next = 0;
  private server!: http.Server;
  url = '';

  constructor(private readonly ports: number[]) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const backend = this.next++ % this.ports.length;
      this.served.push(backend);
      const headers: http.OutgoingHttpHeaders = { ...req.headers };
      for (const h of HOP_BY_HOP) delete headers[h];
      headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
      const upstream = http.request({ host: '127.0.0.1', port: this.ports[backend], method: req.method, path: req.url, headers, agent: false }, (answer) => {
        const back: http.OutgoingHttpHeaders = { ...answer.headers, 'x-backend': String(backend) };
        for (const h of HOP_BY_HOP) delete back[h];
        res.writeHead(answer.statusCode ?? 502, back);
        res.flushHeaders();
        answer.pipe(res);
      });
      upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
      // The client left (an SSE stream closed): so does the upstream request.
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

export type ApiProcess = Spawned & { port: number; url: string };

export interface Cluster {
  apis: ApiProcess[];
  workers: Spawned[];
  /** Null unless asked for (`balancer: true`). */
  balancer: Balancer | null;
  /** Every process's output, for a failure's message. */
  output(): string;
  /** SIGTERM to every process still running, then the balancer closed. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** The processes' environment (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, …); PORT is set per API. */
  env: NodeJS.ProcessEnv;
  apis: number;
  workers: number;
  balancer?: boolean;
  /** Boot time-out: several Nest boots at once take seconds on an idle machine, a minute on a loaded one. */
  bootTimeoutMs?: number;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { env, bootTimeoutMs = 90_000 } = options;
  const apis: ApiProcess[] = [];
  const workers: Spawned[] = [];
  let balancer: Balancer | null = null;
  const output = () => [...apis, ...workers].map((p, i) => `--- process ${i} ---\n${p.stdout()}${p.stderr()}`).join('\n');
  const cluster: Cluster = {
    apis,
    workers,
    get balancer() {
      return balancer;
    },
    output,
    async stop() {
      const running = [...apis, ...workers].filter((p) => p.child.exitCode === null && p.child.signalCode === null);
      for (const p of running) p.child.kill('SIGTERM');
      await Promise.all(running.map((p) => p.exited));
      await balancer?.close();
    },
  };
  try {
    for (let i = 0; i < options.workers; i++) workers.push(spawnNode([WORKER_MAIN], env));
    for (let i = 0; i < options.apis; i++) {
      const port = await freePort();
      apis.push({ ...spawnNode([API_MAIN], { ...env, PORT: String(port) }), port, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(apis.map((api) => waitForHttp(`${api.url}/health/live`, api, bootTimeoutMs)));
    if (options.workers > 0) await waitForWorkers(String(env.REDIS_URL), String(env.QUEUE_PREFIX), options.workers, workers, bootTimeoutMs, output);
    if (options.balancer) {
      balancer = new Balancer(apis.map((api) => api.port));
      await balancer.start();
    }
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** Until `count` workers take SLA timer jobs (each worker consumes that queue), so that nothing asked of them waits on a boot. */
async function waitForWorkers(redisUrl: string, prefix: string, count: number, workers: Spawned[], timeoutMs: number, output: () => string): Promise<void> {
  const queue = new Queue(QueueName.SlaTimers, { connection: redisOptions(redisUrl, 'producer') as never, prefix });
  try {
    await waitFor(
      async () => {
        for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited:\n${output()}`);
        return (await queue.getWorkersCount()) >= count;
      },
      `${count} worker(s)`,
      { timeoutMs, context: output },
    );
  } finally {
    await queue.close();
  }
}
