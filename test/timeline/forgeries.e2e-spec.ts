import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/core';
import { Acteur, anchorLegacyHeads, appendToTimeline, sealTimelines, TimelineEntry, verifyAllTimelines, verifyTimeline } from '@app/timeline';
import { createScratchDatabase, dropTicketForeignKeys, ScratchDatabase } from '../setup/scratch-database';
import { testConfig } from '../setup/test-env';
// Internal on purpose: the forgeries use the algorithms as an attacker would.
import { timelineEventHash } from '../../libs/timeline/src/timeline-hash';
import { timelineEventMac, timelineHeadMac } from '../../libs/timeline/src/timeline-mac';
import { buildIfStale } from '../ops/spawned';

/**
 * Issue 11, part 4: what a database writer tries, and what verification says. `ds` is the
 * application's role; `sql` the superuser, who can bypass triggers but does not hold the key.
 */

const AGENT: Acteur = { id: randomUUID(), displayName: 'Agnès Roux', role: 'agent_mdr' };
const REFERENT = { id: randomUUID(), nom: 'Paul Garcia', role: 'referent' };
const ROOT = path.resolve(__dirname, '../..');

let db: ScratchDatabase;
let ds: DataSource;
let sql: Client;

beforeAll(async () => {
  db = await createScratchDatabase('relais_test_forgeries', { poolSize: 6 });
  ds = db.dataSource;
  sql = await db.connect();
  await dropTicketForeignKeys(sql);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

function entry(data: Record<string, unknown> = {}): TimelineEntry {
  return { eventId: randomUUID(), type: 'question.message_ajoute', at: new Date(), acteur: AGENT, visibilite: 'partage', unite: null, data };
}

async function newQuestion(): Promise<string> {
  const id = randomUUID();
  await sql.query(
    `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, created_by, created_at, updated_at, version)
     VALUES ($1, $2, $3, 'objet', 'description', 'guichet', 'normale', 'recue', $4, now(), now(), 1)`,
    [id, `Q-F-${id}`.slice(0, 24), randomUUID(), AGENT.id],
  );
  return id;
}

async function append(ticketId: string, entries: TimelineEntry[]): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query(`UPDATE question SET version = version + 1 WHERE id = $1`, [ticketId]);
    await appendToTimeline(m, 'question', ticketId, entries);
  });
}

async function questionWithEvents(n: number): Promise<string> {
  const id = await newQuestion();
  await append(id, Array.from({ length: n }, (_, i) => entry({ n: i + 1 })));
  return id;
}

/** As a superuser with every trigger off (foreign keys and the append-only guard included). */
async function asReplica(statements: Array<[string, unknown[]]>): Promise<void> {
  await sql.query('BEGIN');
  try {
    await sql.query(`SET LOCAL session_replication_role = replica`);
    for (const [text, params] of statements) await sql.query(text, params);
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
}

const ROW = `SELECT id AS "eventId", ticket_type AS "ticketType", ticket_id AS "ticketId", seq, type, at, acteur_id AS "acteurId",
  acteur_nom AS "acteurNom", acteur_role AS "acteurRole", visibilite, unite_type AS "uniteType", unite_id AS "uniteId", data,
  hash, previous_hash AS "previousHash", cle, format, empreintes FROM timeline_event WHERE ticket_id = $1 ORDER BY seq`;

/** A day of its own per seal: one seal per day, and each test wants its own. */
let sealDay = 0;
const nextSealDate = () => new Date(Date.UTC(2030, 0, 1 + sealDay++, 12));

describe('the forgeries of issue 11', () => {
  it('a clean timeline verifies and says what it checked', async () => {
    const id = await questionWithEvents(3);
    await expect(verifyTimeline(ds, 'question', id)).resolves.toEqual({
      valide: true,
      evenements: 3,
      premiereAnomalie: null,
      anterieursAuMac: 0,
      tete: { seq: 3, cle: 'dev', valide: true },
      sceau: null,
    });
  });

  it('(a) a plain INSERT of a forged, correctly SHA-256-hashed event (triggers on) is named', async () => {
    const id = await questionWithEvents(4);
    const { rows } = await sql.query(ROW, [id]);
    const last = rows[3];
    const forged = {
      eventId: randomUUID(),
      ticketType: 'question',
      ticketId: id,
      seq: 5,
      type: 'question.message_ajoute',
      at: new Date(),
      acteurId: REFERENT.id,
      acteurNom: REFERENT.nom,
      acteurRole: REFERENT.role,
      visibilite: 'partage',
      uniteType: null,
      uniteId: null,
      data: { texte: 'Dossier accepté, 50 000 €' },
      previousHash: last.hash,
    };
    for (const cle of [null, 'dev']) {
      const e = { ...forged, eventId: randomUUID() };
      await sql.query(
        `INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, acteur_id, acteur_nom, acteur_role, visibilite, data, hash, previous_hash, cle)
         VALUES ($1, 'question', $2, 5, $3, $4, $5, $6, $7, 'partage', $8, $9, $10, $11)`,
        [e.eventId, id, e.type, e.at, e.acteurId, e.acteurNom, e.acteurRole, JSON.stringify(e.data), timelineEventHash(e), e.previousHash, cle],
      );
      const result = await verifyTimeline(ds, 'question', id);
      expect(result).toMatchObject({ valide: false, evenements: 5, premiereAnomalie: 5, tete: { seq: 4, valide: false } });
      expect(result.anomalie).toEqual({ seq: 5, raison: cle === null ? expect.stringContaining('sans clé') : expect.stringContaining('MAC invalide') });
      await asReplica([[`DELETE FROM timeline_event WHERE id = $1`, [e.eventId]]]);
    }
  });

  it('(b) triggers bypassed, an event rewritten and every later hash recomputed: detected at the rewritten event', async () => {
    const id = await questionWithEvents(5);
    const { rows } = await sql.query(ROW, [id]);
    const statements: Array<[string, unknown[]]> = [];
    let previousHash: string | null = rows[1].previousHash;
    for (const row of rows.slice(1)) {
      const changed = { ...row, data: row.seq === 2 ? { n: 2, texte: 'Dossier accepté, 50 000 €' } : row.data, previousHash };
      const hash = timelineEventHash(changed);
      statements.push([`UPDATE timeline_event SET data = $2, hash = $3, previous_hash = $4 WHERE id = $1`, [row.eventId, JSON.stringify(changed.data), hash, previousHash]]);
      previousHash = hash;
    }
    // The head too, as best the attacker can (no key for its MAC).
    statements.push([`UPDATE question SET fil_hash = $2 WHERE id = $1`, [id, previousHash]]);
    await asReplica(statements);
    const result = await verifyTimeline(ds, 'question', id);
    expect(result).toMatchObject({ valide: false, evenements: 5, premiereAnomalie: 2, anomalie: { seq: 2, raison: expect.stringContaining('MAC invalide') } });
    expect(result.tete.valide).toBe(false);
  });

  it('(c) the last events deleted: the head anchored on the ticket row says so', async () => {
    const id = await questionWithEvents(6);
    await asReplica([[`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq > 4`, [id]]]);
    const result = await verifyTimeline(ds, 'question', id);
    expect(result).toMatchObject({
      valide: false,
      evenements: 4,
      premiereAnomalie: 5,
      tete: { seq: 6, valide: false },
      anomalie: { seq: 5, raison: expect.stringMatching(/n° 5 à 6 supprimés/) },
    });
  });

  it('(c) …and the next append does not paper over it: it continues from the head and leaves the gap', async () => {
    const id = await questionWithEvents(3);
    await asReplica([[`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq = 3`, [id]]]);
    await append(id, [entry({ n: 4 })]);
    await expect(verifyTimeline(ds, 'question', id)).resolves.toMatchObject({ valide: false, premiereAnomalie: 4, anomalie: { seq: 4, raison: expect.stringContaining('n° 3 manque') } });
  });

  it('refuses to append on a head changed without the key, rather than re-sign it', async () => {
    const id = await questionWithEvents(4);
    await asReplica([
      [`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq = 4`, [id]],
      [`UPDATE question SET fil_seq = 3, fil_hash = (SELECT hash FROM timeline_event WHERE ticket_id = $1 AND seq = 3) WHERE id = $1`, [id]],
    ]);
    await expect(append(id, [entry()])).rejects.toThrow(/head anchor does not verify/);
    await expect(verifyTimeline(ds, 'question', id)).resolves.toMatchObject({ valide: false, tete: { seq: 3, valide: false } });
  });

  it('(d) events and head rolled back together to an earlier, validly signed state: caught by the seal', async () => {
    const id = await questionWithEvents(3);
    const { rows: [before] } = await sql.query(`SELECT fil_seq, fil_hash, fil_mac, fil_cle FROM question WHERE id = $1`, [id]);
    await append(id, [entry({ n: 4 }), entry({ n: 5 })]);
    const seal = await sealTimelines(ds, nextSealDate());
    // (Heads the earlier tests broke are left out of the seal: tetesInvalides counts them.)
    expect(seal).toMatchObject({ cree: true });
    await expect(verifyTimeline(ds, 'question', id)).resolves.toMatchObject({ valide: true, sceau: { jour: seal.jour, seq: 5, valide: true } });

    await asReplica([
      [`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq > 3`, [id]],
      [`UPDATE question SET fil_seq = $2, fil_hash = $3, fil_mac = $4, fil_cle = $5 WHERE id = $1`, [id, before.fil_seq, before.fil_hash, before.fil_mac, before.fil_cle]],
    ]);
    const result = await verifyTimeline(ds, 'question', id);
    // Chain and head are self-consistent again; only the seal remembers.
    expect(result).toMatchObject({ valide: false, evenements: 3, tete: { seq: 3, valide: true }, sceau: { jour: seal.jour, seq: 5, valide: false } });
    expect(result.anomalie).toEqual({ seq: 4, raison: expect.stringContaining(`plus court que le sceau du ${seal.jour}`) });
  });

  it('(d) even a holder of the key who rewrites events and head after a seal is caught against it', async () => {
    const id = await questionWithEvents(3);
    const seal = await sealTimelines(ds, nextSealDate());
    const key = testConfig().timelineKeyring.keys.get('dev')!;
    const { rows } = await sql.query(ROW, [id]);
    const statements: Array<[string, unknown[]]> = [];
    let previousHash: string | null = rows[0].previousHash;
    for (const row of rows) {
      const changed = { ...row, data: row.seq === 1 ? { n: 1, texte: 'réécrit' } : row.data, previousHash };
      const mac = timelineEventMac(key, changed);
      statements.push([`UPDATE timeline_event SET data = $2, hash = $3, previous_hash = $4 WHERE id = $1`, [row.eventId, JSON.stringify(changed.data), mac, previousHash]]);
      previousHash = mac;
    }
    statements.push([
      `UPDATE question SET fil_hash = $2, fil_mac = $3 WHERE id = $1`,
      [id, previousHash, timelineHeadMac(key, { ticketType: 'question', ticketId: id, seq: 3, hash: previousHash })],
    ]);
    await asReplica(statements);
    const result = await verifyTimeline(ds, 'question', id);
    expect(result).toMatchObject({ valide: false, tete: { seq: 3, valide: true }, sceau: { jour: seal.jour, seq: 3, valide: false } });
    expect(result.anomalie).toEqual({ seq: 3, raison: `événement n° 3 réécrit depuis le sceau du ${seal.jour}` });
  });

  it('seals once per day, and only heads that changed since the previous seal', async () => {
    const id = await questionWithEvents(2);
    const date = nextSealDate();
    const first = await sealTimelines(ds, date);
    expect(first.cree).toBe(true);
    const again = await sealTimelines(ds, new Date(date.getTime() + 3600_000));
    expect(again).toMatchObject({ cree: false, jour: first.jour, mac: first.mac, tickets: first.tickets });
    await append(id, [entry()]);
    const next = await sealTimelines(ds, nextSealDate());
    expect(next).toMatchObject({ cree: true, tickets: 1, evenements: 3, precedentMac: first.mac });
  });

  it('keeps timelines from before the MAC verifiable, as a prefix under a head anchored at the cut-over', async () => {
    const id = await newQuestion();
    let previousHash: string | null = null;
    for (let seq = 1; seq <= 2; seq++) {
      const e = { eventId: randomUUID(), ticketType: 'question', ticketId: id, seq, type: 'question.recue', at: new Date(), acteurId: null, acteurNom: null, acteurRole: null, visibilite: 'partage', uniteType: null, uniteId: null, data: { seq }, previousHash };
      const hash = timelineEventHash(e);
      await sql.query(
        `INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, visibilite, data, hash, previous_hash) VALUES ($1, 'question', $2, $3, $4, $5, 'partage', $6, $7, $8)`,
        [e.eventId, id, seq, e.type, e.at, JSON.stringify(e.data), hash, previousHash],
      );
      previousHash = hash;
    }
    await expect(verifyTimeline(ds, 'question', id)).resolves.toMatchObject({ valide: false, anomalie: { raison: expect.stringContaining('ne porte pas la tête') } });
    const owner = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: db.ownerUrl })), logging: false } as typeof ds.options);
    await owner.initialize();
    try {
      expect(await anchorLegacyHeads(owner)).toBe(1);
      expect(await anchorLegacyHeads(owner)).toBe(0);
    } finally {
      await owner.destroy();
    }
    await append(id, [entry()]);
    await expect(verifyTimeline(ds, 'question', id)).resolves.toMatchObject({ valide: true, evenements: 3, anterieursAuMac: 2, tete: { seq: 3, valide: true } });
  });
});

describe('the application’s PostgreSQL role', () => {
  it.each([
    ['UPDATE on the timeline', `UPDATE timeline_event SET type = 'x'`, /permission denied for table timeline_event/],
    ['DELETE on the timeline', `DELETE FROM timeline_event`, /permission denied for table timeline_event/],
    ['TRUNCATE of the timeline', `TRUNCATE timeline_event`, /permission denied for table timeline_event/],
    ['UPDATE of a seal', `UPDATE sceau SET tickets = 0`, /permission denied for table sceau/],
    ['DELETE of sealed heads', `DELETE FROM sceau_tete`, /permission denied for table sceau_tete/],
    ['disabling a trigger', `ALTER TABLE timeline_event DISABLE TRIGGER trg_timeline_event_append_only`, /must be owner of table timeline_event/],
    ['altering a table', `ALTER TABLE question ADD COLUMN x int`, /must be owner of table question/],
    ['dropping a table', `DROP TABLE sceau`, /must be owner of table sceau/],
    ['bypassing every trigger', `SET session_replication_role = replica`, /permission denied to set parameter "session_replication_role"/],
    ['creating a table', `CREATE TABLE evil (id int)`, /permission denied for schema public/],
  ])('is refused %s', async (_what, statement, message) => {
    await expect(ds.query(statement)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(message) });
  });

  it('is who the application connects as, and is no superuser', async () => {
    const [{ who, su }] = await ds.query(`SELECT current_user AS who, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`);
    expect(who).toBe('relais_app');
    expect(su).toBe(false);
  });
});

describe('cli fil:verifier', () => {
  function cli(command: string) {
    return spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/worker/apps/worker/src/cli.js'), command], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl, REDIS_URL: 'redis://127.0.0.1:6390' },
    });
  }

  it('exits 0 on a clean database and 1, naming the ticket, on a tampered one', async () => {
    // Compiles only if dist/ is stale: under npm test the runner built it once, and the other group runs from it.
    buildIfStale();
    const clean = await createScratchDatabase('relais_test_forgeries_cli', { poolSize: 2 });
    const dbBefore = db;
    db = clean;
    const admin = await clean.connect();
    try {
      await admin.query(`ALTER TABLE question DROP CONSTRAINT "FK_e9b86a8bd79d12556d98e85efe0", DROP CONSTRAINT "FK_5f80c84683bc919678a7c8f424b"`);
      const id = randomUUID();
      await admin.query(
        `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, created_by, created_at, updated_at, version)
         VALUES ($1, 'Q-CLI-1', $2, 'objet', 'description', 'guichet', 'normale', 'recue', $3, now(), now(), 1)`,
        [id, randomUUID(), AGENT.id],
      );
      await clean.dataSource.transaction((m) => appendToTimeline(m, 'question', id, [entry({ n: 1 }), entry({ n: 2 })]));
      await sealTimelines(clean.dataSource, new Date('2031-01-01T12:00:00Z'));

      const ok = cli('fil:verifier');
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(/"tickets":1,"evenements":2,"anterieursAuMac":0,"sceaux":1,"anomalies":0/);
      expect(ok.status).toBe(0);

      await admin.query(`SET session_replication_role = replica`);
      await admin.query(`DELETE FROM timeline_event WHERE ticket_id = $1 AND seq = 2`, [id]);
      const tampered = cli('fil:verifier');
      expect(tampered.stderr).toContain(`ANOMALIE question ${id} n° 2`);
      expect(tampered.stdout).toMatch(/"anomalies":1/);
      expect(tampered.status).toBe(1);
    } finally {
      await admin.end();
      db = dbBefore;
      await clean.drop();
    }
  }, 180_000);
});

describe('verifyAllTimelines', () => {
  it('finds the seals intact, then a sealed head removed from its seal', async () => {
    const before = await verifyAllTimelines(ds);
    expect(before.sceaux).toBeGreaterThan(0);
    const sealAnomalies = before.anomalies.filter((a) => a.ticketType === 'sceau');
    expect(sealAnomalies).toEqual([]);
    await asReplica([[`DELETE FROM sceau_tete WHERE ctid = (SELECT ctid FROM sceau_tete LIMIT 1)`, []]]);
    const after = await verifyAllTimelines(ds);
    expect(after.anomalies.filter((a) => a.ticketType === 'sceau')).toEqual([
      expect.objectContaining({ raison: expect.stringContaining('ses têtes ont été modifiées, ajoutées ou supprimées') }),
    ]);
  });
});
