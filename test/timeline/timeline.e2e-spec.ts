import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { ConcurrentUpdateError, dataSourceOptions, grantApplicationRole, MIGRATIONS } from '@app/core';
import { Acteur, anchorLegacyHeads, appendToTimeline, readTimeline, TIMELINE_ENTITIES, TimelineEntry, Unite, verifyTimeline } from '@app/timeline';
import { createScratchDatabase, dropTicketForeignKeys, ScratchDatabase } from '../setup/scratch-database';
import { TEST_APP_ROLE, testConfig } from '../setup/test-env';
// Internal on purpose: only the forgery test needs the algorithm, as an attacker would.
import { timelineEventHash } from '../../libs/timeline/src/timeline-hash';

/**
 * The timeline against a real PostgreSQL, on a database of its own (relais_test_timeline):
 * numbering, the chain, the append-only triggers, tampering, visibility, concurrency. `ds` is
 * the application's role (as in production), `sql` the superuser.
 */

const MAISON_A: Unite = { type: 'maison', id: randomUUID() };
const MAISON_B: Unite = { type: 'maison', id: randomUUID() };
const DIRECTION: Unite = { type: 'direction', id: randomUUID() };
const CABINET: Unite = { type: 'cabinet', id: null };
const RESEAU: Unite = { type: 'reseau', id: null };
const AGENT: Acteur = { id: randomUUID(), displayName: 'Agnès Roux', role: 'agent_mdr' };

let db: ScratchDatabase;
let ds: DataSource;
let sql: Client;

beforeAll(async () => {
  db = await createScratchDatabase('relais_test_timeline', { poolSize: 14 });
  ds = db.dataSource;
  sql = await db.connect();
  await dropTicketForeignKeys(sql);
});

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

/** A DataSource as the schema's owner (the superuser), with the same timeline keys. */
async function ownerDataSource(): Promise<DataSource> {
  const owner = new DataSource({ ...dataSourceOptions(testConfig({ DATABASE_URL: db.ownerUrl })), logging: false } as typeof ds.options);
  return owner.initialize();
}

function entry(partial: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    eventId: randomUUID(),
    type: 'question.message_ajoute',
    at: new Date(),
    acteur: AGENT,
    visibilite: 'partage',
    unite: null,
    data: {},
    ...partial,
  };
}

/** A question row and a commande row of that id: the rows that carry the timelines' heads. */
async function newTicket(): Promise<string> {
  const id = randomUUID();
  await sql.query('BEGIN');
  try {
    await sql.query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, created_by, created_at, updated_at, version)
       VALUES ($1, $2, $3, 'objet', 'description', 'guichet', 'normale', 'recue', $4, now(), now(), 1)`,
      [id, `Q-T-${id}`.slice(0, 24), MAISON_A.id, AGENT.id],
    );
    await sql.query(
      `INSERT INTO commande (id, reference, statut, livrables, contacts, maison_ids, urgent, emetteur_id, emetteur_unite_type, created_at, updated_at, version)
       VALUES ($1, $2, 'brouillon', '[]', '[]', '{}', false, $3, 'cabinet', now(), now(), 1)`,
      [id, `C-T-${id}`.slice(0, 24), AGENT.id],
    );
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK');
    throw error;
  }
  return id;
}

/** What a command handler does: lock the ticket row (version bump), then append. */
async function lockAndAppend(ticketId: string, entries: TimelineEntry[], beforeAppend?: (m: EntityManager) => Promise<void>): Promise<void> {
  await ds.transaction(async (manager) => {
    await manager.query(`UPDATE question SET version = version + 1 WHERE id = $1`, [ticketId]);
    if (beforeAppend) await beforeAppend(manager);
    await appendToTimeline(manager, 'question', ticketId, entries);
  });
}

async function allEvents(ticketId: string) {
  return readTimeline(ds, 'question', ticketId, [MAISON_A, MAISON_B, DIRECTION, CABINET, RESEAU]);
}

/** Tampering as a superuser would: switch the guard off, change a row, switch it back on. */
async function tamper(statement: string, params: unknown[]): Promise<void> {
  await sql.query(`ALTER TABLE timeline_event DISABLE TRIGGER trg_timeline_event_append_only`);
  try {
    await sql.query(statement, params);
  } finally {
    await sql.query(`ALTER TABLE timeline_event ENABLE TRIGGER trg_timeline_event_append_only`);
  }
}

describe('appendToTimeline', () => {
  it('numbers events 1..N within one transaction and across transactions, each linked to the previous', async () => {
    const ticket = await newTicket();
    await lockAndAppend(ticket, [entry({ type: 'question.recue' }), entry(), entry()]);
    await lockAndAppend(ticket, [entry({ type: 'question.escaladee' }), entry()]);
    await lockAndAppend(ticket, [entry({ acteur: null, type: 'sla.alerte' })]);

    const events = await allEvents(ticket);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0].previousHash).toBeNull();
    for (let i = 1; i < events.length; i++) expect(events[i].previousHash).toBe(events[i - 1].hash);
    expect(new Set(events.map((e) => e.hash)).size).toBe(6);
    expect(events[0]).toMatchObject({ type: 'question.recue', acteur: AGENT, visibilite: 'partage', data: {} });
    expect(events[5].acteur).toBeNull();
    expect(events[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 6, premiereAnomalie: null });
  });

  it('keeps one chain per ticket and per ticket type', async () => {
    const a = await newTicket();
    const b = await newTicket();
    await lockAndAppend(a, [entry(), entry()]);
    await lockAndAppend(b, [entry()]);
    await ds.transaction((m) => appendToTimeline(m, 'commande', a, [entry({ type: 'commande.emise' })]));

    expect((await allEvents(a)).map((e) => e.seq)).toEqual([1, 2]);
    expect((await allEvents(b)).map((e) => e.seq)).toEqual([1]);
    const commande = await readTimeline(ds, 'commande', a, []);
    expect(commande.map((e) => [e.seq, e.type, e.previousHash])).toEqual([[1, 'commande.emise', null]]);
    await expect(verifyTimeline(ds, 'commande', a)).resolves.toMatchObject({ valide: true, evenements: 1, premiereAnomalie: null });
  });

  it('writes nothing for no entries; a ticket without events verifies with 0 events', async () => {
    const ticket = await newTicket();
    await lockAndAppend(ticket, []);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 0, premiereAnomalie: null });
  });

  it('refuses to append outside a transaction', async () => {
    const ticket = await newTicket();
    await expect(appendToTimeline(ds.manager, 'question', ticket, [entry()])).rejects.toThrow(/inside the transaction/);
  });

  it('rolls back with the caller’s transaction', async () => {
    const ticket = await newTicket();
    await expect(
      ds.transaction(async (m) => {
        await appendToTimeline(m, 'question', ticket, [entry()]);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await allEvents(ticket)).toEqual([]);
  });

  it('refuses malformed entries before touching the database, and the CHECKs back that up', async () => {
    const ticket = await newTicket();
    await expect(lockAndAppend(ticket, [entry({ visibilite: 'interne', unite: null })])).rejects.toThrow(/internal event needs the unit/);
    await expect(lockAndAppend(ticket, [entry({ unite: { type: 'maison', id: null } })])).rejects.toThrow(/needs id/);
    await expect(lockAndAppend(ticket, [entry({ at: new Date('nope') })])).rejects.toThrow(/invalid date/);
    await expect(
      sql.query(
        `INSERT INTO timeline_event (id, ticket_type, ticket_id, seq, type, at, visibilite, data, hash)
         VALUES ($1, 'question', $2, 1, 'x', now(), 'interne', '{}', repeat('0', 64))`,
        [randomUUID(), ticket],
      ),
    ).rejects.toThrow(/chk_timeline_event_interne_unite/);
  });

  it('verifies after a round trip through jsonb: nested objects, unicode, 1.50, big numbers, arrays, dates', async () => {
    const ticket = await newTicket();
    const data = {
      zeta: 'dernier',
      a: 1,
      montant: JSON.parse('1.50') as number,
      grand: 1e21,
      petit: 1e-7,
      negatif: -0,
      flottant: 0.1 + 0.2,
      texte: 'Ec’Eau Tourisme — « économies d’eau » 😀 \u2028 ligne\n"citée"',
      composee: 'e\u0301te\u0301',
      echeance: new Date('2026-12-01T17:00:00+01:00'),
      liste: [3, 'deux', { b: 2, a: [1, { d: null, c: true }] }, [], {}],
      '10': 'clé numérique',
      '9': 'autre clé numérique',
      imbrique: { niveau: { plus: { profond: { encore: [1.25, false] } } } },
      absent: undefined,
    };
    await lockAndAppend(ticket, [entry({ data }), entry({ data: { suite: true } })]);

    // The test means something only if jsonb did reorder and rewrite what was sent.
    const [{ text }] = (await sql.query(`SELECT data::text AS text FROM timeline_event WHERE ticket_id = $1 AND seq = 1`, [ticket])).rows;
    expect(text).not.toBe(JSON.stringify(data));
    expect(text).toContain('1000000000000000000000');

    const [first] = await allEvents(ticket);
    expect(first.data).toEqual(JSON.parse(JSON.stringify(data)));
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 2, premiereAnomalie: null });
  });

  it('verifies when ids were given in upper case (PostgreSQL gives them back in lower case)', async () => {
    const ticket = await newTicket();
    const upper = (u: Unite): Unite => ({ ...u, id: u.id!.toUpperCase() });
    await lockAndAppend(ticket.toUpperCase(), [
      entry({ eventId: randomUUID().toUpperCase(), acteur: { ...AGENT, id: AGENT.id.toUpperCase() }, visibilite: 'interne', unite: upper(MAISON_A) }),
    ]);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 1, premiereAnomalie: null });
    expect(await readTimeline(ds, 'question', ticket, [MAISON_A])).toHaveLength(1);
  });
});

describe('append-only, enforced by the database', () => {
  let ticket: string;

  beforeAll(async () => {
    ticket = await newTicket();
    await lockAndAppend(ticket, [entry({ data: { texte: 'original' } }), entry()]);
  });

  it.each([
    ['UPDATE', `UPDATE timeline_event SET data = '{"texte":"falsifié"}' WHERE ticket_id = $1`],
    ['DELETE', `DELETE FROM timeline_event WHERE ticket_id = $1`],
  ])('refuses %s', async (operation, statement) => {
    await expect(sql.query(statement, [ticket])).rejects.toThrow(`Le fil est en ajout seul : ${operation} interdit`);
    expect((await allEvents(ticket)).map((e) => [e.seq, e.data])).toEqual([
      [1, { texte: 'original' }],
      [2, {}],
    ]);
  });

  it('refuses TRUNCATE', async () => {
    await expect(sql.query(`TRUNCATE timeline_event`)).rejects.toThrow('Le fil est en ajout seul : TRUNCATE interdit');
    expect(await allEvents(ticket)).toHaveLength(2);
  });

  it('refuses UPDATE from the application too (TypeORM), by privilege before the trigger', async () => {
    await expect(ds.query(`UPDATE timeline_event SET type = 'autre' WHERE ticket_id = $1`, [ticket])).rejects.toMatchObject({
      code: '42501',
      message: expect.stringContaining('permission denied for table timeline_event'),
    });
  });
});

describe('verifyTimeline detects tampering', () => {
  async function chainOfFour(): Promise<string> {
    const ticket = await newTicket();
    await lockAndAppend(ticket, [entry({ data: { n: 1 } }), entry({ data: { n: 2, detail: { texte: 'avant' } } })]);
    await lockAndAppend(ticket, [entry({ data: { n: 3 } }), entry({ data: { n: 4 } })]);
    return ticket;
  }

  it('flags the event whose data was changed behind the triggers’ back', async () => {
    const ticket = await chainOfFour();
    await tamper(`UPDATE timeline_event SET data = '{"n": 2, "detail": {"texte": "après"}}' WHERE ticket_id = $1 AND seq = 2`, [ticket]);
    expect((await allEvents(ticket))[1].data).toEqual({ n: 2, detail: { texte: 'après' } });
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: false, evenements: 4, premiereAnomalie: 2 });
  });

  it.each([
    ['the author’s name', `UPDATE timeline_event SET acteur_nom = 'Quelqu’un d’autre' WHERE ticket_id = $1 AND seq = 2`, 2, 4],
    ['the visibility (a shared event hidden)', `UPDATE timeline_event SET visibilite = 'interne', unite_type = 'cabinet' WHERE ticket_id = $1 AND seq = 3`, 3, 4],
    ['the date', `UPDATE timeline_event SET at = at - interval '1 day' WHERE ticket_id = $1 AND seq = 3`, 3, 4],
    ['an event removed from the middle', `DELETE FROM timeline_event WHERE ticket_id = $1 AND seq = 2`, 3, 3],
    ['a stored hash replaced', `UPDATE timeline_event SET hash = encode(sha256('forged'::bytea), 'hex') WHERE ticket_id = $1 AND seq = 2`, 2, 4],
  ])('flags %s', async (_what, statement, premiereAnomalie, evenements) => {
    const ticket = await chainOfFour();
    await tamper(statement, [ticket]);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: false, evenements, premiereAnomalie });
  });

  it('flags the changed event even when its SHA-256 was correctly recomputed: the chain is a MAC now', async () => {
    // The attacker knows the old algorithm; without the key, event 2 no longer verifies at all.
    const ticket = await chainOfFour();
    const [row] = (
      await sql.query(
        `SELECT id AS "eventId", ticket_type AS "ticketType", ticket_id AS "ticketId", seq, type, at, acteur_id AS "acteurId",
                acteur_nom AS "acteurNom", acteur_role AS "acteurRole", visibilite, unite_type AS "uniteType",
                unite_id AS "uniteId", data, previous_hash AS "previousHash"
           FROM timeline_event WHERE ticket_id = $1 AND seq = 2`,
        [ticket],
      )
    ).rows;
    const forged = { ...row, data: { n: 22 } };
    await tamper(`UPDATE timeline_event SET data = $2, hash = $3 WHERE ticket_id = $1 AND seq = 2`, [
      ticket,
      JSON.stringify(forged.data),
      timelineEventHash(forged),
    ]);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({
      valide: false,
      evenements: 4,
      premiereAnomalie: 2,
      anomalie: { seq: 2, raison: expect.stringContaining('MAC invalide') },
    });
  });

  it('leaves the other tickets’ chains valid', async () => {
    const clean = await chainOfFour();
    const tampered = await chainOfFour();
    await tamper(`UPDATE timeline_event SET data = '{"n": 0}' WHERE ticket_id = $1 AND seq = 1`, [tampered]);
    await expect(verifyTimeline(ds, 'question', clean)).resolves.toMatchObject({ valide: true });
    await expect(verifyTimeline(ds, 'question', tampered)).resolves.toMatchObject({ valide: false, premiereAnomalie: 1 });
  });

  it('verifies a chain longer than one page of reads', async () => {
    const ticket = await newTicket();
    await lockAndAppend(ticket, Array.from({ length: 1203 }, (_, i) => entry({ data: { i } })));
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 1203, premiereAnomalie: null });
    await tamper(`UPDATE timeline_event SET data = '{"i": -1}' WHERE ticket_id = $1 AND seq = 1100`, [ticket]);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: false, evenements: 1203, premiereAnomalie: 1100 });
  });
});

describe('readTimeline visibility', () => {
  let ticket: string;

  beforeAll(async () => {
    ticket = await newTicket();
    await lockAndAppend(ticket, [
      entry({ type: 'partage.a', unite: MAISON_A }),
      entry({ type: 'interne.maison_a', visibilite: 'interne', unite: MAISON_A }),
      entry({ type: 'interne.maison_b', visibilite: 'interne', unite: MAISON_B }),
      entry({ type: 'interne.direction', visibilite: 'interne', unite: DIRECTION }),
      entry({ type: 'interne.cabinet', visibilite: 'interne', unite: CABINET }),
      entry({ type: 'interne.reseau', visibilite: 'interne', unite: RESEAU }),
      entry({ type: 'partage.fin', acteur: null }),
    ]);
  });

  const types = async (unites: Unite[], opts?: { afterSeq?: number; limit?: number }) =>
    (await readTimeline(ds, 'question', ticket, unites, opts)).map((e) => e.type);

  it('shows maison A its internal notes, not maison B’s nor the direction’s', async () => {
    expect(await types([MAISON_A])).toEqual(['partage.a', 'interne.maison_a', 'partage.fin']);
  });

  it('hides maison A’s internal notes from maison B and from a direction', async () => {
    expect(await types([MAISON_B])).toEqual(['partage.a', 'interne.maison_b', 'partage.fin']);
    expect(await types([DIRECTION])).toEqual(['partage.a', 'interne.direction', 'partage.fin']);
  });

  it('matches the id-less units (Cabinet, network) by type', async () => {
    expect(await types([CABINET])).toEqual(['partage.a', 'interne.cabinet', 'partage.fin']);
    expect(await types([RESEAU])).toEqual(['partage.a', 'interne.reseau', 'partage.fin']);
  });

  it('shows only shared events to a viewer without units, and a maison id never matches a direction', async () => {
    expect(await types([])).toEqual(['partage.a', 'partage.fin']);
    expect(await types([{ type: 'direction', id: MAISON_A.id }])).toEqual(['partage.a', 'partage.fin']);
  });

  it('keeps the ticket’s seq (gaps where notes are hidden) and pages with afterSeq and limit', async () => {
    expect((await readTimeline(ds, 'question', ticket, [MAISON_B])).map((e) => e.seq)).toEqual([1, 3, 7]);
    expect(await types([MAISON_A, DIRECTION], { limit: 2 })).toEqual(['partage.a', 'interne.maison_a']);
    expect(await types([MAISON_A, DIRECTION], { afterSeq: 2, limit: 2 })).toEqual(['interne.direction', 'partage.fin']);
    expect(await types([MAISON_A], { afterSeq: 7 })).toEqual([]);
  });

  it('refuses a nonsensical cursor', async () => {
    await expect(readTimeline(ds, 'question', ticket, [], { limit: 0 })).rejects.toThrow(RangeError);
    await expect(readTimeline(ds, 'question', ticket, [], { afterSeq: -1 })).rejects.toThrow(RangeError);
  });
});

describe('concurrent appends', () => {
  it('serialises writers that lock the ticket row: no duplicate seq, a valid chain', async () => {
    const ticket = await newTicket();
    const writers = 10;
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        lockAndAppend(
          ticket,
          [entry({ data: { w, k: 0 } }), entry({ data: { w, k: 1 } }), entry({ data: { w, k: 2 } })],
          // Hold the lock a little so that the other writers really queue behind it.
          (m) => m.query(`SELECT pg_sleep(0.01)`),
        ),
      ),
    );
    const events = await allEvents(ticket);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: writers * 3 }, (_, i) => i + 1));
    // Each writer's events are contiguous: nobody interleaved inside another's transaction.
    for (let i = 0; i < events.length; i += 3) {
      expect(events.slice(i, i + 3).map((e) => e.data.k)).toEqual([0, 1, 2]);
      expect(new Set(events.slice(i, i + 3).map((e) => e.data.w)).size).toBe(1);
    }
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: writers * 3, premiereAnomalie: null });
  });

  it('turns a writer that forgot the lock into a 409 rather than a forked chain', async () => {
    const ticket = await newTicket();
    const first = ds.createQueryRunner();
    const second = ds.createQueryRunner();
    try {
      await first.startTransaction();
      await second.startTransaction();
      await appendToTimeline(first.manager, 'question', ticket, [entry({ type: 'premier' })]);
      // The second writer does not see the uncommitted seq 1, tries seq 1 too and waits on the unique index.
      const racing = appendToTimeline(second.manager, 'question', ticket, [entry({ type: 'second' })]);
      racing.catch(() => undefined);
      await waitUntilBlocked();
      await first.commitTransaction();
      await expect(racing).rejects.toBeInstanceOf(ConcurrentUpdateError);
      await second.rollbackTransaction();
    } finally {
      // Never hand a connection with an open transaction back to the pool.
      for (const runner of [first, second]) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        await runner.release();
      }
    }
    expect((await allEvents(ticket)).map((e) => [e.seq, e.type])).toEqual([[1, 'premier']]);
    await expect(verifyTimeline(ds, 'question', ticket)).resolves.toMatchObject({ valide: true, evenements: 1 });
  });
});

describe('the Timeline migration', () => {
  it('matches its entity: TypeORM would generate no change for timeline_event', async () => {
    // migration:generate drops what the entity does not declare; this keeps both in step.
    const withEntities = new DataSource({ ...ds.options, entities: TIMELINE_ENTITIES } as typeof ds.options);
    await withEntities.initialize();
    try {
      const { upQueries } = await withEntities.driver.createSchemaBuilder().log();
      expect(upQueries.map((q) => q.query).filter((q) => q.includes('timeline_event'))).toEqual([]);
    } finally {
      await withEntities.destroy();
    }
  });

  it('drops the table, triggers and function, and creates them again', async () => {
    const migration = MIGRATIONS.find((m) => m.name.startsWith('Timeline'))!;
    const instance = new (migration as new () => { up(qr: unknown): Promise<void>; down(qr: unknown): Promise<void> })();
    const owner = await ownerDataSource();
    const runner = owner.createQueryRunner();
    try {
      // The rows of the earlier tests go with the table: DROP TABLE is not DELETE.
      await instance.down(runner);
      expect(await runner.hasTable('timeline_event')).toBe(false);
      const [{ n }] = await runner.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'timeline_event_append_only'`);
      expect(n).toBe(0);
      await instance.up(runner);
      expect(await runner.hasTable('timeline_event')).toBe(true);
      // What the later migrations (FilScelle, Rgpd) and `migrate` add to the table.
      await runner.query(`ALTER TABLE timeline_event ADD cle character varying(32)`);
      await runner.query(`ALTER TABLE timeline_event ADD format smallint NOT NULL DEFAULT 1, ADD empreintes jsonb`);
      await grantApplicationRole((q) => runner.query(q), TEST_APP_ROLE, new URL(db.ownerUrl).pathname.slice(1));
    } finally {
      await runner.release();
      await owner.destroy();
    }
    const ticket = await newTicket();
    await lockAndAppend(ticket, [entry()]);
    await expect(sql.query(`DELETE FROM timeline_event`)).rejects.toThrow('Le fil est en ajout seul');
  });
});

/** Waits until a backend of this database waits on a lock (here: the second writer, on the first one's index entry). */
async function waitUntilBlocked(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the second writer never blocked');
}
