import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { AppConfig, Clock } from '@app/core';
import { createApiApp } from '../../apps/api/src/app.factory';
import { testConfig } from './test-env';

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A running API on a random port, spoken to over real HTTP. */
export class TestApi {
  private readonly tokens = new Map<string, string>();

  private constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly config: AppConfig,
  ) {}

  static async start(options: { config?: Record<string, string>; clock?: Clock } = {}): Promise<TestApi> {
    const config = testConfig(options.config);
    await clearRateLimits(config);
    const app = await createApiApp(config, { clock: options.clock });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new TestApi(app, `http://127.0.0.1:${port}`, config);
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const text = await response.text();
    let body: any = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body: body ?? {} });
  }

  /** Dev-login as a seeded user (cached per e-mail). */
  async login(email: string): Promise<string> {
    const cached = this.tokens.get(email);
    if (cached) return cached;
    const res = await this.post<{ accessToken: string }>('/api/v1/auth/dev-login', { email });
    if (res.status !== 200) throw new Error(`dev-login ${email} → ${res.status} ${res.text}`);
    this.tokens.set(email, res.body.accessToken);
    return res.body.accessToken;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/**
 * Forgets the rate limits counted under the config's QUEUE_PREFIX. They live in Redis, shared by
 * every API process and kept across restarts (issue #16); each suite's API starts with none, as
 * a fresh process did when they were counted in memory, whatever ran before under that prefix
 * within the minute (another suite's logins, the previous run of this one).
 */
export async function clearRateLimits(config: AppConfig): Promise<void> {
  if (config.FILES_ATTENTE !== 'redis') return;
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // the connect() below reports it
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.QUEUE_PREFIX}:rate-limit:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis unreachable (a suite testing that): nothing was counted there either.
  } finally {
    redis.disconnect();
  }
}

/**
 * Every item of a list endpoint, following `nextCursor` from the first page: each page must
 * answer 200 with at most `limit` items. `fetchPage` gets the cursor (null for the first page).
 */
export async function walkPages<T = any>(fetchPage: (cursor: string | null) => Promise<HttpResponse>, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetchPage(cursor);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}
