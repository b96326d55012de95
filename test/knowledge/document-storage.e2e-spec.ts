import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DocumentStorage, LocalDocumentStorage, nouvelleCleDocument, S3DocumentStorage } from '@app/knowledge';
import { TestS3Server } from '../setup/s3-server';

/** 11 MiB of varied bytes: three S3 parts (5 + 5 + 1 MiB), so a multipart upload, not a single PUT. */
const BIG = (() => {
  const bytes = Buffer.alloc(11 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 13)) & 255;
  return bytes;
})();
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `bytes` in chunks of 64 KiB, as a request body arrives. */
function chunked(bytes: Buffer, chunk = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
    { objectMode: false },
  );
}

/** `bytes` then an error, like a client that hangs up or a multipart size limit. */
function failingAfter(bytes: Buffer, error: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
      throw error;
    })(),
    { objectMode: false },
  );
}

async function read(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Harness {
  storage: DocumentStorage;
  /** Whatever the store holds, temporary or partial things included. */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

const stores: Array<[string, () => Promise<Harness>]> = [
  [
    'local folder',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'relais-storage-'));
      return {
        storage: new LocalDocumentStorage(dir),
        leftovers: async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'S3 bucket (s3rver)',
    async () => {
      const server = await TestS3Server.start();
      const storage = new S3DocumentStorage(server.settings());
      return {
        storage,
        leftovers: async () => [...(await server.objects()), ...(await server.pendingUploads()).map((id) => `upload ${id}`)],
        close: async () => {
          storage.onModuleDestroy();
          await server.close();
        },
      };
    },
  ],
];

/**
 * The contract every document store keeps (DocumentStorage), run against the local folder and
 * a real S3-compatible server alike: the API cannot tell them apart.
 */
describe.each(stores)('document storage contract: %s', (_name, open) => {
  let store: Harness;
  const key = () => nouvelleCleDocument(randomUUID());

  beforeAll(async () => {
    store = await open();
  });
  afterAll(() => store.close());

  it('gives back the bytes it stored, whole, and their count once stored (a small file and a multipart one)', async () => {
    const small = Buffer.from('%PDF-1.4 petit document\n'.repeat(40));
    for (const bytes of [small, BIG]) {
      const k = key();
      await expect(store.storage.put(k, chunked(bytes))).resolves.toEqual({ taille: bytes.length });
      const stream = await store.storage.get(k);
      expect(stream).not.toBeNull();
      expect(sha(await read(stream!))).toBe(sha(bytes));
      await store.storage.delete(k);
    }
    expect(await store.leftovers()).toEqual([]);
  });

  it('answers null for a key that holds nothing', async () => {
    await expect(store.storage.get(key())).resolves.toBeNull();
  });

  it('deletes, and deleting again or deleting a key that never held anything is not an error', async () => {
    const k = key();
    await store.storage.put(k, chunked(Buffer.from('à supprimer')));
    await store.storage.delete(k);
    await expect(store.storage.get(k)).resolves.toBeNull();
    await expect(store.storage.delete(k)).resolves.toBeUndefined();
    await expect(store.storage.delete(key())).resolves.toBeUndefined();
    expect(await store.leftovers()).toEqual([]);
  });

  it.each([
    ['mid-upload, after two parts were sent', BIG.subarray(0, 10 * 1024 * 1024 + 4096)],
    ['before the first part was complete', BIG.subarray(0, 100_000)],
  ])('a stream that fails %s rejects with its own error and leaves nothing under the key', async (_when, bytes) => {
    const k = key();
    const error = Object.assign(new Error('request file too large'), { code: 'FST_REQ_FILE_TOO_LARGE' });
    await expect(store.storage.put(k, failingAfter(bytes, error))).rejects.toBe(error);
    await expect(store.storage.get(k)).resolves.toBeNull();
    expect(await store.leftovers()).toEqual([]);
  });

  it('refuses a key Relais did not make (no path, no other object name)', async () => {
    for (const bad of ['../etc/passwd', 'ab/../../x', 'documents/autre']) {
      await expect(store.storage.put(bad, chunked(Buffer.from('x')))).rejects.toThrow('Clé de document invalide.');
      await expect(store.storage.get(bad)).rejects.toThrow('Clé de document invalide.');
    }
  });
});

describe('S3 document storage: readiness', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await TestS3Server.start();
  });
  afterAll(() => server.close());

  const verify = async (settings: ReturnType<TestS3Server['settings']>) => {
    const storage = new S3DocumentStorage(settings);
    try {
      await storage.verifier(AbortSignal.timeout(3000));
      return 'ok';
    } catch (error) {
      return (error as Error).message;
    } finally {
      storage.onModuleDestroy();
    }
  };

  it('passes when the bucket answers to the keys, and otherwise says why by kind and status only, never a secret', async () => {
    expect(await verify(server.settings())).toBe('ok');
    expect(await verify(server.settings({ bucket: 'compartiment-absent' }))).toMatch(/^S3 store unreachable or refusing: .* \(HTTP 404\)$/);
    // s3rver checks the access key, not a V4 signature: an unknown key is its 403.
    const refused = await verify(server.settings({ accessKeyId: 'CLE-INCONNUE', secretAccessKey: 'secret-inconnu-0123456789' }));
    expect(refused).toMatch(/^S3 store unreachable or refusing: .* \(HTTP 403\)$/);
    expect(refused).not.toMatch(/CLE-INCONNUE|secret-inconnu/);
    expect(await verify(server.settings({ endpoint: 'http://127.0.0.1:1' }))).toMatch(/^S3 store unreachable or refusing: /);
  });
});
