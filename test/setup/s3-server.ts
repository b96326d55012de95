import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '@app/core';

// s3rver ships no types; the few members used here are typed below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}
interface S3rverInstance {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void>>;
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** s3rver's built-in account. */
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * A real S3-compatible server (s3rver: S3's HTTP API over a folder) of a test's own, on a free
 * port and a temp folder, with one bucket. Path-style addressing, any region; it checks the
 * access key (S3RVER) but not V4 signatures.
 *
 * s3rver 3.7 answers AbortMultipartUpload with 405: this server adds it (it removes the upload's
 * parts, as S3 does), so that a failed upload's abort is exercised and its leftovers can be
 * looked for (`pendingUploads`).
 */
export class TestS3Server {
  private readonly client: S3Client;

  private constructor(
    private readonly server: S3rverInstance,
    private readonly dir: string,
    readonly endpoint: string,
    readonly bucket: string,
  ) {
    this.client = new S3Client({ ...this.settings(), credentials: CREDENTIALS });
  }

  static async start(bucket = 'relais-documents'): Promise<TestS3Server> {
    const dir = await mkdtemp(join(tmpdir(), 'relais-s3-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
    server.middleware.unshift(abortMultipartUpload(server));
    const { port } = await server.run();
    return new TestS3Server(server, dir, `http://127.0.0.1:${port}`, bucket);
  }

  /** The store's settings, as S3DocumentStorage takes them. */
  settings(overrides: Partial<S3Settings> = {}): S3Settings {
    return { endpoint: this.endpoint, region: 'us-east-1', bucket: this.bucket, ...CREDENTIALS, forcePathStyle: true, ...overrides };
  }

  /** The same, as the API's environment. */
  config(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DOCUMENT_STOCKAGE: 's3',
      S3_ENDPOINT: this.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: this.bucket,
      S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ...overrides,
    };
  }

  /** Every object key of the bucket. */
  async objects(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys;
  }

  /** Multipart uploads begun and neither completed nor aborted (their parts are on the server's disk). */
  async pendingUploads(): Promise<string[]> {
    return readdir(this.server.store.getResourcePath(this.bucket, undefined, 'uploads')).catch(() => []);
  }

  async close(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** `DELETE /{bucket}/{key}?uploadId=…`: drops the upload's parts (204), or NoSuchUpload (404). */
function abortMultipartUpload(server: S3rverInstance) {
  return async (ctx: KoaContext, next: () => Promise<void>): Promise<void> => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string') return next();
    const bucket = decodeURIComponent(ctx.path.split('/')[1] ?? '');
    const folder = join(server.store.getResourcePath(bucket, undefined, 'uploads'), uploadId.replace(/[^0-9a-f]/g, ''));
    const exists = await readdir(folder).then(() => true, () => false);
    if (!exists) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
      return;
    }
    await rm(folder, { recursive: true, force: true });
    ctx.status = 204;
  };
}
