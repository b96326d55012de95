import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { seedDemoData } from '@app/directory';
import { DocumentTexteConsumer } from '@app/knowledge';
import { TestDb } from '../setup/db';
import { TestApi } from '../setup/e2e-app';
import { createScratchDatabase, ScratchDatabase } from '../setup/scratch-database';
import { directoryFixture, EMAILS } from '../questions/fixtures';
import { form, pdfWithText } from './fixtures';

const PROBLEM = /^application\/problem\+json/;

interface Resultat {
  type: 'dispositif' | 'document' | 'reponse';
  id: string;
  titre: string;
  dispositif: { id: string; nom: string; historique: boolean } | null;
  score: number;
  tousLesMots: boolean;
  extrait: Array<{ texte: string; surligne: boolean }>;
}

/** Lower case, no accents: to compare a highlighted word with a searched stem. */
const plain = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * GET /recherche on a database of its own (the demo directory, and the documents and published
 * answers written here): what other suites deposit or publish cannot change the ranking checked.
 */
describe('French full-text search (GET /recherche)', () => {
  let scratch: ScratchDatabase;
  let db: TestDb;
  let api: TestApi;
  let dir: string;
  let ids: Awaited<ReturnType<typeof directoryFixture>>;
  let agent: string;
  let referent: string;
  let referentUserId: string;

  const search = async (q: string, extra = '', token = agent) => {
    const res = await api.get(`/api/v1/recherche?q=${encodeURIComponent(q)}${extra}`, { token });
    return res as { status: number; body: { items: Resultat[] } & Record<string, any>; headers: Headers };
  };
  const found = async (q: string, extra = '') => {
    const res = await search(q, extra);
    expect({ q, status: res.status }).toEqual({ q, status: 200 });
    return res.body.items;
  };
  const publish = async (question: string, reponse: string, dispositifId: string | null = ids.eceau) => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO reponse_publiee (id, dispositif_id, theme_id, question, reponse, diffusion, auteur_id, publiee_le)
       VALUES ($1, $2, $3, $4, $5, 'interne', $6, now())`,
      [id, dispositifId, dispositifId ? null : ids.themeTourisme, question, reponse, referentUserId],
    );
    return id;
  };
  const upload = async (titre: string, bytes: Buffer) => {
    const res = await fetch(`${api.baseUrl}/api/v1/dispositifs/${ids.eceau}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${referent}` },
      body: form({ titre, diffusion: 'interne', fichier: { bytes, name: 'doc.pdf' } }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('relais_test_recherche');
    await seedDemoData(scratch.dataSource);
    db = new TestDb(scratch.ownerUrl);
    dir = await mkdtemp(join(tmpdir(), 'relais-recherche-'));
    api = await TestApi.start({ config: { DATABASE_URL: scratch.url, DOCUMENTS_DIR: dir } });
    ids = await directoryFixture(db);
    agent = await api.login(EMAILS.agentCarcassonne);
    referent = await api.login(EMAILS.referentTourisme);
    referentUserId = (await db.one(`SELECT id FROM users WHERE email = $1`, [EMAILS.referentTourisme])).id;
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.close();
    await scratch?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('"eau tourisme camping" finds Ec’Eau Tourisme first, with its words highlighted in the extract', async () => {
    const items = await found('eau tourisme camping');
    // A closed scheme (historique) is still found, and says so.
    expect(items[0]).toMatchObject({ type: 'dispositif', id: ids.eceau, titre: "Ec'Eau Tourisme", dispositif: { id: ids.eceau, nom: "Ec'Eau Tourisme", historique: true }, tousLesMots: true });
    const marked = items[0].extrait.filter((s) => s.surligne).map((s) => plain(s.texte));
    expect(marked).toEqual(expect.arrayContaining(['eau', 'camping']));
    // The extract is the dispositif's own text, in pieces (fragments joined by " … "): nothing added, no markup.
    const d = await db.one(`SELECT description, public_vise, array_to_string(mots_cles, ', ') AS mots FROM dispositif WHERE id = $1`, [ids.eceau]);
    for (const fragment of items[0].extrait.map((s) => s.texte).join('').split(' … ')) expect([d.description, d.public_vise, `Mots-clés : ${d.mots}`].join(' — ')).toContain(fragment);
    expect(JSON.stringify(items)).not.toMatch(/<\/?[a-z]+>|\uE000|\uE001/);
    // Rows with every word first, their dispositifs leading; scores go down within each part.
    const parts = items.map((i) => `${i.tousLesMots ? 0 : 1}${i.tousLesMots && i.type === 'dispositif' ? 0 : 1}`);
    expect(parts).toEqual([...parts].sort());
    for (const part of new Set(parts)) {
      const scores = items.filter((_, n) => parts[n] === part).map((i) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('matches whatever the accents, the case, the plural and the elision (l’hébergement, hebergements, HÉBERGEMENT)', async () => {
    const id = await publish('Hébergement des saisonniers dans un gîte communal', 'Le gîte peut être financé s’il reste ouvert au public hors saison.');
    for (const q of ["l'hébergement", 'l’hébergement', 'hebergements', 'HÉBERGEMENT', 'Hébergements saisonniers']) {
      const items = await found(q);
      expect({ q, ids: items.map((i) => i.id) }).toEqual({ q, ids: expect.arrayContaining([id]) });
      const hit = items.find((i) => i.id === id)!;
      expect({ q, hit }).toMatchObject({ q, hit: { type: 'reponse', titre: 'Hébergement des saisonniers dans un gîte communal', dispositif: { id: ids.eceau }, tousLesMots: true } });
    }
    // The dispositifs whose keywords say "hébergement touristique" too.
    expect((await found('hebergement', '&type=dispositif')).map((i) => i.id)).toContain(ids.eceau);
  });

  it('finds a PDF by the text the worker extracted from it, with its dispositif and a highlighted extract', async () => {
    const id = await upload('Guide du porteur de projet', pdfWithText("Les mitigeurs thermostatiques des sanitaires du camping sont eligibles a l'aide"));
    expect(await found('mitigeurs thermostatiques')).toEqual([]);
    // The worker's consumer, from the upload's outbox event (as test/knowledge/documents does).
    const [event] = await db.query(`SELECT id, type, aggregate_type, aggregate_id, payload FROM outbox WHERE aggregate_id = $1`, [id]);
    await api.app.get(DataSource).transaction((manager) =>
      api.app.get(DocumentTexteConsumer).handle({ eventId: event.id, type: event.type, aggregateType: event.aggregate_type, aggregateId: event.aggregate_id, payload: event.payload }, manager),
    );
    const items = await found('mitigeur thermostatique');
    expect(items).toEqual([expect.objectContaining({ type: 'document', id, titre: 'Guide du porteur de projet', dispositif: { id: ids.eceau, nom: "Ec'Eau Tourisme", historique: true }, tousLesMots: true })]);
    expect(items[0].extrait.filter((s) => s.surligne).map((s) => plain(s.texte))).toEqual(['mitigeurs', 'thermostatiques']);
    // The document opens for the agent who found it (every role reads every document).
    expect((await api.get(`/api/v1/documents/${id}/contenu`, { token: agent })).status).toBe(200);
  });

  it('finds a document by its title among long texts: the extract comes from around the first match, not the start', async () => {
    // ~8,500 characters before the match (it is looked for in the first 10,000), as many after.
    const filler = 'Le présent règlement précise les modalités générales de dépôt et d’instruction des demandes. '.repeat(90);
    const [{ id }] = await db.query(
      `INSERT INTO document (id, dispositif_id, titre, diffusion, type_mime, extension, taille, cle, auteur_id, auteur_direction_id, cree_le, texte)
       VALUES (gen_random_uuid(), $1, 'Annexe technique', 'interne', 'application/pdf', 'pdf', 10, $2, $3, $4, now(), $5) RETURNING id`,
      [ids.eceau, `test/${randomUUID()}`, referentUserId, ids.tourisme, `${filler} Les récupérateurs d’eau de pluie enterrés sont plafonnés. ${filler}`],
    );
    const items = await found('récupérateur pluie');
    expect(items.map((i) => i.id)).toContain(id);
    const extrait = items.find((i) => i.id === id)!.extrait;
    expect(extrait.filter((s) => s.surligne).map((s) => plain(s.texte))).toEqual(expect.arrayContaining(['recuperateurs', 'pluie']));
    expect(extrait.map((s) => s.texte).join('').length).toBeLessThan(700);
  });

  it('returns a published answer, never a withdrawn one nor a deleted document', async () => {
    const kept = await publish('Cumul de l’aide avec la subvention de l’Agence de l’eau pour un lavoir', 'Le cumul est possible dans la limite de 80 % de financements publics.');
    const withdrawn = await publish('Cumul de l’aide pour un lavoir restauré (ancienne réponse)', 'Réponse remplacée.');
    await db.query(`UPDATE reponse_publiee SET retiree_le = now() WHERE id = $1`, [withdrawn]);
    const items = await found('lavoir');
    expect(items.map((i) => i.id)).toEqual([kept]);
    expect(items[0]).toMatchObject({ type: 'reponse', dispositif: { id: ids.eceau } });

    const [{ id: doc }] = await db.query(
      `INSERT INTO document (id, dispositif_id, titre, diffusion, type_mime, extension, taille, cle, auteur_id, auteur_direction_id, cree_le, texte)
       VALUES (gen_random_uuid(), $1, 'Fiche lavoir', 'interne', 'application/pdf', 'pdf', 10, $2, $3, $4, now(), NULL) RETURNING id`,
      [ids.eceau, `test/${randomUUID()}`, referentUserId, ids.tourisme],
    );
    expect((await found('lavoir')).map((i) => i.id)).toContain(doc);
    await db.query(`DELETE FROM document WHERE id = $1`, [doc]);
    expect((await found('lavoir')).map((i) => i.id)).toEqual([kept]);
  });

  it('shows every role what that role may open, and nothing it may not (interne documents are read by every role; a withdrawn answer by none)', async () => {
    const answer = await publish('Calendrier des visites de contrôle des piscines naturelles', 'Une visite avant le solde.');
    const withdrawn = await publish('Visites de contrôle des piscines naturelles (retirée)', 'Obsolète.');
    await db.query(`UPDATE reponse_publiee SET retiree_le = now() WHERE id = $1`, [withdrawn]);
    for (const who of [EMAILS.agentCarcassonne, EMAILS.referentDef, EMAILS.cabinet, EMAILS.managerReseau]) {
      const token = await api.login(who);
      const res = await search('piscines naturelles contrôle', '', token);
      expect({ who, status: res.status }).toEqual({ who, status: 200 });
      const got = res.body.items.map((i: Resultat) => i.id);
      expect({ who, got }).toEqual({ who, got: expect.arrayContaining([answer]) });
      expect({ who, withdrawn: got.includes(withdrawn) }).toEqual({ who, withdrawn: false });
      for (const item of res.body.items.filter((i: Resultat) => i.type === 'document')) {
        expect((await api.get(`/api/v1/documents/${item.id}/contenu`, { token })).status).toBe(200);
      }
    }
    expect((await api.get('/api/v1/recherche?q=piscine')).status).toBe(401);
  });

  it('falls back to rows with some of the words when none has them all, after those that do', async () => {
    const items = await found('camping zorglubien');
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => !i.tousLesMots)).toBe(true);
    expect(items.map((i) => i.id)).toContain(ids.eceau);
    // With a result holding every word, it comes before the partial ones.
    const mixed = await found('eau tourisme camping', '&limit=10');
    expect(mixed[0]).toMatchObject({ id: ids.eceau, tousLesMots: true });
    const flags = mixed.map((i) => i.tousLesMots);
    expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    expect(flags).toContain(false);
  });

  it('filters by type and bounds the count (limit, 20 by default, 50 at most)', async () => {
    const all = await found('eau');
    expect(all.length).toBeLessThanOrEqual(20);
    expect(new Set(all.map((i) => i.type)).size).toBeGreaterThan(1);
    for (const type of ['dispositif', 'document', 'reponse']) {
      const items = await found('eau', `&type=${type}`);
      expect({ type, types: [...new Set(items.map((i) => i.type))] }).toEqual({ type, types: [type] });
    }
    expect(await found('eau', '&limit=2')).toHaveLength(2);
    for (const extra of ['&limit=51', '&limit=0', '&type=question']) {
      const res = await search('eau', extra);
      expect({ extra, status: res.status, errors: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ extra, status: 400, errors: [extra.slice(1).split('=')[0]] });
    }
  });

  it('refuses an empty, too short, too long or wordless q with a 400 naming q; hostile text is words, never a 500', async () => {
    for (const q of [null, '', ' ', 'a', '!!', '?!.;', '\\', "l'", 'x'.repeat(201), 'le de la']) {
      const res = q === null ? await api.get('/api/v1/recherche', { token: agent }) : await search(q);
      expect({ q, status: res.status, type: res.headers.get('content-type') }).toEqual({ q, status: 400, type: expect.stringMatching(PROBLEM) });
      expect({ q, fields: res.body.errors.map((e: { field: string }) => e.field) }).toEqual({ q, fields: ['q'] });
    }
    for (const raw of ['%00', 'a%00b', 'eau&q=camping']) {
      const res = await api.get(`/api/v1/recherche?q=${raw}`, { token: agent });
      expect({ raw, status: res.status }).toEqual({ raw, status: 400 });
    }
    // A malformed escape is kept as typed by the query-string parser: words like any others.
    expect((await api.get('/api/v1/recherche?q=%ED%A0%80', { token: agent })).status).toBeLessThan(500);
    for (const q of ["'; DROP TABLE document; --", 'eau & !camping | (tourisme', "camping:* <-> 'eau'", '<script>alert(1)</script> eau', 'a'.repeat(150) + ' eau', 'ÉCONOMIES D’EAU !!!']) {
      const res = await search(q);
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    expect((await found('eau & !camping | (tourisme')).map((i) => i.id)).toContain(ids.eceau);
  });
});
