import { ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { until } from '../setup/own-servers';

/** A Redis server of a benchmark's own on `port` (no persistence, no eviction, `args` added), answering once this resolves. */
export async function startBenchRedis(port: number, args: string[] = []): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...args], { stdio: 'ignore' });
  const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  await until(async () => client.connect().then(() => true, () => false), 10_000, 'redis start');
  client.disconnect();
  return redis;
}
