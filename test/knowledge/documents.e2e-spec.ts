import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApi } from '../setup/e2e-app';
import { TestDb } from '../setup/db';
import { directoryFixture, EMAILS } from '../questions/fixtures';
import { DataSource } from 'typeorm';
import { DocumentStorage, DocumentTexteConsumer } from '@app/knowledge';
import { form, PDF, pdfWithText, PNG } from './fixtures';

/**
 * Documents per dispositif and their public share links, over real HTTP, PostgreSQL and a
 * local document folder: round trip, types read from the bytes, size limit, scope, the
 * link's lifecycle, and tokens that cannot be told apart from wrong ones.
 */
describe('documents and share links', () => {
  let api: TestApi;
  let db: TestDb;
  let dir: string;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let referent: string;
  let agent: string;
  let ip = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-documents-'));
    api = await TestApi.start({ config: { DOCUMENTS_DIR: dir, DOCUMENT_TAILLE_MAX_MO: '1', TRUST_PROXY: 'true', DOCUMENT_LIEN_RATE_LIMIT: '5' } });
    db = new TestDb();
    ids = await directoryFixture(db);
    referent = await api.login(EMAILS.referentTourisme);
    agent = await api.login(EMAILS.agentCarcassonne);
  });

  afterAll(async () => {
    await api.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const upload = async (token: string, body: FormData, dispositifId = ids.eceau) => {
    const response = await fetch(`${api.baseUrl}/api/v1/dispositifs/${dispositifId}/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text };
  };
  const download = async (path: string, token?: string) => {
    const response = await fetch(api.baseUrl + path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-forwarded-for': `10.14.${++ip >> 8}.${ip & 255}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  /** Every file of the store, temporary ones included. */
  const storedFiles = async () => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const published = async (diffusion = 'externe', bytes: Buffer = PDF) => {
    const res = await upload(referent, form({ titre: 'Règlement Ec’Eau Tourisme', diffusion, fichier: { bytes, name: 'reglement.pdf' } }));
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  it('uploads a PDF and an image, lists them, and gives the same bytes back to an MdR agent with their type and name', async () => {
    const res = await upload(referent, form({ titre: 'Règlement Ec’Eau Tourisme', diffusion: 'interne', fichier: { bytes: PDF, name: 'reglement.bin', type: 'text/plain' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ titre: 'Règlement Ec’Eau Tourisme', diffusion: 'interne', type: 'application/pdf', extension: 'pdf', taille: PDF.length, auteur: { directionId: ids.tourisme } });
    const png = await upload(referent, form({ titre: 'Affiche', diffusion: 'externe', fichier: { bytes: PNG, name: 'affiche.pdf' } }));
    expect(png.body).toMatchObject({ type: 'image/png', extension: 'png' });

    const list = await api.get(`/api/v1/dispositifs/${ids.eceau}/documents`, { token: agent });
    expect(list.status).toBe(200);
    expect(list.body.peutDeposer).toBe(false);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([res.body.id, png.body.id]));
    expect((await api.get(`/api/v1/dispositifs/${ids.eceau}/documents`, { token: referent })).body.peutDeposer).toBe(true);

    const file = await download(`/api/v1/documents/${res.body.id}/contenu`, agent);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(PDF)).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="Reglement Ec_Eau Tourisme\.pdf"/);
    expect(file.headers.get('cache-control')).toMatch(/^private/);
    expect((await download(`/api/v1/documents/${res.body.id}/contenu`)).status).toBe(401);
  });

  it('refuses a type by its content (a .pdf name on text bytes) and writes nothing', async () => {
    const before = { rows: await db.count('document'), files: (await storedFiles()).length };
    const res = await upload(referent, form({ titre: 'Faux PDF', diffusion: 'externe', fichier: { bytes: Buffer.from('Ceci est du texte, pas un PDF.\n'.repeat(20)), name: 'faux.pdf' } }));
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'fichier' })]);
    expect({ rows: await db.count('document'), files: (await storedFiles()).length }).toEqual(before);
  });

  it('refuses a file over DOCUMENT_TAILLE_MAX_MO with a 413 naming fichier, and leaves no row and no file', async () => {
    const before = { rows: await db.count('document'), files: (await storedFiles()).length };
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024 + 10, 0x20)]);
    const res = await upload(referent, form({ titre: 'Trop gros', diffusion: 'externe', fichier: { bytes: big, name: 'gros.pdf' } }));
    expect(res.status).toBe(413);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'fichier' })]);
    expect({ rows: await db.count('document'), files: (await storedFiles()).length }).toEqual(before);
  });

  it('names the missing or invalid fields, after the file was read, and keeps nothing', async () => {
    const before = { rows: await db.count('document'), files: (await storedFiles()).length };
    const res = await upload(referent, form({ diffusion: 'publique', fichier: { bytes: PDF, name: 'a.pdf' } }));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['diffusion', 'titre']);
    const none = await upload(referent, form({ titre: 'Sans fichier', diffusion: 'interne' }));
    expect(none.body.errors).toEqual([expect.objectContaining({ field: 'fichier' })]);
    const json = await api.post(`/api/v1/dispositifs/${ids.eceau}/documents`, { titre: 'x', diffusion: 'interne' }, { token: referent });
    expect(json.status).toBe(415);
    expect({ rows: await db.count('document'), files: (await storedFiles()).length }).toEqual(before);
  });

  it('lets only the owning direction publish: another direction’s référent and an MdR agent get 403, an unknown dispositif 404', async () => {
    const body = () => form({ titre: 'Intrus', diffusion: 'externe', fichier: { bytes: PDF, name: 'a.pdf' } });
    expect((await upload(await api.login(EMAILS.referentDef), body())).status).toBe(403);
    expect((await upload(agent, body())).status).toBe(403);
    expect((await upload(referent, body(), '00000000-0000-4000-8000-000000000001')).status).toBe(404);
    expect((await upload(await api.login(EMAILS.managerTourisme), body())).status).toBe(201);
  });

  it('share links: created for an externe document, opened without login and counted, expired and revoked like unknown tokens', async () => {
    const doc = await published();
    const denied = await api.post(`/api/v1/documents/${doc.id}/liens`, {}, { token: await api.login(EMAILS.referentDef) });
    expect(denied.status).toBe(403);
    const lien = await api.post(`/api/v1/documents/${doc.id}/liens`, {}, { token: referent });
    expect(lien.status).toBe(201);
    expect(lien.body).toEqual({ id: expect.any(String), url: `${api.baseUrl}/public/documents/${lien.body.token}`, token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expireLe: null });

    const first = await download(`/public/documents/${lien.body.token}`);
    expect(first.status).toBe(200);
    expect(first.bytes.equals(PDF)).toBe(true);
    expect(first.headers.get('cache-control')).toBe('no-store');
    await download(`/public/documents/${lien.body.token}`);
    const row = await db.one(`SELECT acces, jeton_hash FROM document_lien WHERE id = $1`, [lien.body.id]);
    expect(row.acces).toBe(2);
    // Hash only: the token appears nowhere in the table.
    expect(row.jeton_hash).toBe(createHash('sha256').update(lien.body.token).digest('hex'));
    expect(await db.count('document_lien', `row_to_json(document_lien)::text LIKE $1`, [`%${lien.body.token}%`])).toBe(0);

    const unknown = await download(`/public/documents/${'A'.repeat(43)}`);
    const malformed = await download(`/public/documents/abc`);
    const same = (res: { status: number; bytes: Buffer }, token: string) => ({ status: res.status, body: res.bytes.toString().replace(token, 'TOKEN') });
    expect(unknown.status).toBe(404);

    // Expired: the date moved into the past in SQL.
    const dated = await api.post(`/api/v1/documents/${doc.id}/liens`, { expireLe: new Date(Date.now() + 86_400_000).toISOString() }, { token: referent });
    expect(dated.status).toBe(201);
    expect((await download(`/public/documents/${dated.body.token}`)).status).toBe(200);
    await db.query(`UPDATE document_lien SET expire_le = now() - interval '1 minute' WHERE id = $1`, [dated.body.id]);
    const expired = await download(`/public/documents/${dated.body.token}`);

    const revoke = await api.request('DELETE', `/api/v1/liens/${lien.body.id}`, { token: referent });
    expect(revoke.status).toBe(204);
    expect((await api.request('DELETE', `/api/v1/liens/${lien.body.id}`, { token: referent })).status).toBe(204);
    const revoked = await download(`/public/documents/${lien.body.token}`);

    const reference = same(unknown, 'A'.repeat(43));
    expect(same(revoked, lien.body.token)).toEqual(reference);
    expect(same(expired, dated.body.token)).toEqual(reference);
    expect(same(malformed, 'abc')).toEqual(reference);
    expect((await db.one(`SELECT acces FROM document_lien WHERE id = $1`, [lien.body.id])).acces).toBe(2);
  });

  it('rate-limits the public path per client address (tokens cannot be tried in bulk), a 429 problem', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${api.baseUrl}/public/documents/${'B'.repeat(43)}`, { headers: { 'x-forwarded-for': '10.15.0.1' } });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    // Another address is not held back.
    expect((await download(`/public/documents/${'B'.repeat(43)}`)).status).toBe(404);
  });

  it('refuses a link to an interne document (422) and a past expiry (400)', async () => {
    const doc = await published('interne');
    const res = await api.post(`/api/v1/documents/${doc.id}/liens`, {}, { token: referent });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('DOCUMENT_INTERNE');
    const externe = await published();
    const past = await api.post(`/api/v1/documents/${externe.id}/liens`, { expireLe: '2020-01-01T00:00:00Z' }, { token: referent });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ field: 'expireLe' })]);
    expect(await db.count('document_lien', 'document_id IN ($1, $2)', [doc.id, externe.id])).toBe(0);
  });

  it('deletes a document for the owning direction only: row, links and file gone, its public links 404, a second delete 404', async () => {
    const doc = await published();
    const lien = (await api.post(`/api/v1/documents/${doc.id}/liens`, {}, { token: referent })).body as { id: string; token: string };
    expect((await download(`/public/documents/${lien.token}`)).status).toBe(200);
    const cle = (await db.one(`SELECT cle FROM document WHERE id = $1`, [doc.id])).cle as string;
    const fichier = cle.split('/')[1];
    expect(await storedFiles()).toContain(fichier);

    // Out of the direction: refused as the upload refuses, and nothing moves.
    for (const email of [EMAILS.referentDef, EMAILS.agentCarcassonne, EMAILS.managerReseau, EMAILS.cabinet]) {
      const refused = await api.request('DELETE', `/api/v1/documents/${doc.id}`, { token: await api.login(email) });
      expect({ email, status: refused.status }).toEqual({ email, status: 403 });
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await api.request('DELETE', `/api/v1/documents/${doc.id}`)).status).toBe(401);
    expect(await db.count('document', 'id = $1', [doc.id])).toBe(1);

    const deleted = await api.request('DELETE', `/api/v1/documents/${doc.id}`, { token: referent });
    expect(deleted.status).toBe(204);
    expect(await db.count('document', 'id = $1', [doc.id])).toBe(0);
    expect(await db.count('document_lien', 'document_id = $1', [doc.id])).toBe(0);
    expect(await storedFiles()).not.toContain(fichier);
    expect((await download(`/public/documents/${lien.token}`)).status).toBe(404);
    expect((await download(`/api/v1/documents/${doc.id}/contenu`, agent)).status).toBe(404);
    const again = await api.request('DELETE', `/api/v1/documents/${doc.id}`, { token: referent });
    expect(again.status).toBe(404);
    expect(again.body.detail).toBe('Document introuvable.');
    expect((await api.request('DELETE', '/api/v1/documents/not-an-id', { token: referent })).status).toBe(400);
  });

  it('a store that fails to delete the bytes still deletes the row (an orphan file, logged), never a row pointing nowhere', async () => {
    const doc = await published('interne');
    const cle = (await db.one(`SELECT cle FROM document WHERE id = $1`, [doc.id])).cle as string;
    const storage = api.app.get(DocumentStorage);
    const original = storage.delete;
    storage.delete = async () => {
      throw new Error('stockage indisponible');
    };
    try {
      const res = await api.request('DELETE', `/api/v1/documents/${doc.id}`, { token: await api.login(EMAILS.managerTourisme) });
      expect(res.status).toBe(204);
    } finally {
      storage.delete = original;
    }
    expect(await db.count('document', 'id = $1', [doc.id])).toBe(0);
    expect(await storedFiles()).toContain(cle.split('/')[1]);
    await storage.delete(cle);
  });

  it('the worker’s consumer extracts a PDF’s text into document.texte from the upload’s outbox event, once; an image gets none', async () => {
    const pdf = await published('interne', pdfWithText('Economies d\'eau dans les campings de l\'Aude'));
    const png = await published('interne', PNG);
    const consumer = api.app.get(DocumentTexteConsumer);
    const dataSource = api.app.get(DataSource);
    for (const doc of [pdf, png]) {
      const [event] = await db.query(`SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE aggregate_id = $1`, [doc.id]);
      expect(event).toMatchObject({ type: 'document.depose', aggregate_type: 'document' });
      expect(consumer.handles(event.type)).toBe(true);
      const run = () =>
        dataSource.transaction((manager) =>
          consumer.handle({ eventId: event.id, type: event.type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id, payload: event.payload }, manager),
        );
      await run();
      await run();
    }
    expect((await db.one(`SELECT texte FROM document WHERE id = $1`, [pdf.id])).texte).toContain('Economies d\'eau dans les campings de l\'Aude');
    expect((await db.one(`SELECT texte FROM document WHERE id = $1`, [png.id])).texte).toBeNull();
  });
});
