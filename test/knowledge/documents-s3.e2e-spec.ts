import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { DataSource } from 'typeorm';
import { DocumentTexteConsumer } from '@app/knowledge';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { TestS3Server } from '../setup/s3-server';
import { directoryFixture, EMAILS } from '../questions/fixtures';
import { form, PDF, pdfWithText } from './fixtures';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The documents' round trip over HTTP with DOCUMENT_STOCKAGE=s3, against a real S3-compatible
 * server (s3rver) of the test's own: upload, download, a public share link, the size limit in
 * the middle of a multipart upload, the worker's text extraction, and readiness (ADR 0019).
 */
describe('documents in an S3-compatible bucket', () => {
  let s3: TestS3Server;
  let api: TestApi;
  let db: TestDb;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let referent: string;
  let agent: string;
  let ip = 0;

  beforeAll(async () => {
    s3 = await TestS3Server.start();
    api = await TestApi.start({ config: s3.config({ DOCUMENT_TAILLE_MAX_MO: '6', TRUST_PROXY: 'true' }) });
    db = new TestDb();
    ids = await directoryFixture(db);
    referent = await api.login(EMAILS.referentTourisme);
    agent = await api.login(EMAILS.agentCarcassonne);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
    await s3.close();
  });

  const upload = async (body: FormData) => {
    const response = await fetch(`${api.baseUrl}/api/v1/dispositifs/${ids.eceau}/documents`, { method: 'POST', headers: { authorization: `Bearer ${referent}` }, body });
    const text = await response.text();
    return { status: response.status, body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  };
  const download = async (path: string, token?: string) => {
    const response = await fetch(api.baseUrl + path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-forwarded-for': `10.19.${++ip >> 8}.${ip & 255}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };

  it('stores an upload as an object under the row’s key, gives the same bytes back to an MdR agent and through a public link', async () => {
    // Over one 5 MiB part: the API streams it to the bucket as a multipart upload.
    const bytes = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024 + 300_000, 0x20)]);
    const res = await upload(form({ titre: 'Guide Ec’Eau Tourisme', diffusion: 'externe', fichier: { bytes, name: 'guide.pdf' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ type: 'application/pdf', taille: bytes.length });
    const { cle } = await db.one(`SELECT cle FROM document WHERE id = $1`, [res.body.id]);
    expect(await s3.objects()).toContain(cle);
    expect(await s3.pendingUploads()).toEqual([]);

    const file = await download(`/api/v1/documents/${res.body.id}/contenu`, agent);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-length')).toBe(String(bytes.length));
    expect(sha(file.bytes)).toBe(sha(bytes));

    const lien = await api.post(`/api/v1/documents/${res.body.id}/liens`, {}, { token: referent });
    expect(lien.status).toBe(201);
    const shared = await download(`/public/documents/${lien.body.token}`);
    expect(shared.status).toBe(200);
    expect(sha(shared.bytes)).toBe(sha(bytes));
  });

  it('refuses a file over DOCUMENT_TAILLE_MAX_MO with the 413 naming fichier (the truncated object is deleted), and leaves no row, object or upload', async () => {
    const before = { rows: await db.count('document'), objects: (await s3.objects()).length };
    const big = Buffer.concat([PDF, Buffer.alloc(6 * 1024 * 1024 + 10, 0x20)]);
    const res = await upload(form({ titre: 'Trop gros', diffusion: 'externe', fichier: { bytes: big, name: 'gros.pdf' } }));
    expect(res.status).toBe(413);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'fichier' })]);
    expect({ rows: await db.count('document'), objects: (await s3.objects()).length }).toEqual(before);
    expect(await s3.pendingUploads()).toEqual([]);
  });

  it('a client that hangs up in the middle of a multipart upload leaves no row, no object and no pending upload in the bucket', async () => {
    const before = { rows: await db.count('document'), objects: await s3.objects() };
    const boundary = 'relais-coupure';
    const head = Buffer.from(
      [`--${boundary}`, 'Content-Disposition: form-data; name="titre"', '', 'Coupé', `--${boundary}`, 'Content-Disposition: form-data; name="diffusion"', '', 'externe',
        `--${boundary}`, 'Content-Disposition: form-data; name="fichier"; filename="coupe.pdf"', 'Content-Type: application/pdf', '', ''].join('\r\n'),
    );
    // More than one 5 MiB part is sent, so the store has begun a multipart upload when the client leaves.
    const sent = Buffer.concat([head, PDF, Buffer.alloc(5 * 1024 * 1024 + 500_000, 0x20)]);
    const { hostname, port } = new URL(api.baseUrl);
    await new Promise<void>((resolve) => {
      const req = request({ hostname, port, method: 'POST', path: `/api/v1/dispositifs/${ids.eceau}/documents`, headers: { authorization: `Bearer ${referent}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(sent.length + 1_000_000) } });
      req.on('error', () => resolve());
      req.on('response', (res) => res.resume().on('end', resolve));
      req.write(sent, () => setTimeout(() => req.destroy(), 300));
    });
    const deadline = Date.now() + 5000;
    let after = { rows: -1, objects: [] as string[], uploads: [] as string[] };
    do {
      await new Promise((r) => setTimeout(r, 100));
      after = { rows: await db.count('document'), objects: await s3.objects(), uploads: await s3.pendingUploads() };
    } while ((after.uploads.length || after.objects.length !== before.objects.length) && Date.now() < deadline);
    expect(after).toEqual({ ...before, uploads: [] });
  });

  it('the worker’s consumer reads a PDF back from the bucket to extract its text', async () => {
    const res = await upload(form({ titre: 'Règlement', diffusion: 'interne', fichier: { bytes: pdfWithText('Camping et eau dans l\'Aude'), name: 'r.pdf' } }));
    expect(res.status).toBe(201);
    const [event] = await db.query(`SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE aggregate_id = $1`, [res.body.id]);
    await api.app.get(DataSource).transaction((manager) =>
      api.app.get(DocumentTexteConsumer).handle({ eventId: event.id, type: event.type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id, payload: event.payload }, manager),
    );
    expect((await db.one(`SELECT texte FROM document WHERE id = $1`, [res.body.id])).texte).toContain('Camping et eau dans l\'Aude');
  });

  it('reports the bucket in readiness, and a missing bucket makes the API not ready (503 naming documents)', async () => {
    const ready = await api.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.documents).toEqual({ status: 'up', responseTime: expect.any(Number) });

    const broken = await TestApi.start({ config: s3.config({ S3_BUCKET: 'compartiment-absent' }) });
    try {
      const res = await broken.get('/health');
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({ documents: { status: 'down', message: expect.stringMatching(/^S3 store unreachable or refusing: .*\(HTTP 404\)$/), responseTime: expect.any(Number) } });
      expect(res.body.details.postgresql.status).toBe('up');
      expect(res.text).not.toContain('S3RVER');
    } finally {
      await broken.close();
    }
  });
});
