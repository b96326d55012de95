import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { keyringOf, sameMac, sealedHeadMac, sealMac, timelineHeadMac } from './timeline-mac';
import { ChainChecker, EVENT_COLUMNS, readSealedHeads, readTicketHeads, StoredEvent } from './timeline-verify';
import { TICKET_TABLES, TICKET_TYPES, TicketType, TimelineVerification } from './timeline.types';

/** Heads read, MAC'd and inserted per round trip while sealing. */
const SEAL_PAGE = 5000;

export interface SealReport {
  /** false: today's seal already existed (the job is idempotent per day). */
  cree: boolean;
  jour: string;
  mac: string;
  cle: string;
  /** Heads recorded by this seal (those changed since the previous one) and the events they cover. */
  tickets: number;
  evenements: number;
  /** Heads left out because their MAC does not verify (reported by fil:verifier). */
  tetesInvalides: number;
  precedentMac: string | null;
}

/** The calendar day of `at` in Europe/Paris, YYYY-MM-DD. */
export function jourParis(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Writes the day's seal (ADR 0002), once per day whatever the number of workers: every ticket
 * head that changed since the previous seal, each with its own MAC (a ticket verifies against
 * its latest sealed head without reading the whole seal), and the seal itself, a MAC over the
 * ordered heads and the previous seal's MAC. A later rewrite of events *and* of the ticket's
 * head, or a rollback of both to an earlier state, no longer matches what was sealed.
 */
export async function sealTimelines(dataSource: DataSource, now: Date): Promise<SealReport> {
  const keyring = keyringOf(dataSource);
  const cle = keyring.currentKeyId;
  const key = keyring.keys.get(cle)!;
  const jour = jourParis(now);
  return dataSource.transaction(async (m) => {
    // One sealer at a time; the second finds the day sealed and returns it.
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('relais.sceau'))`);
    const [existing] = await m.query(
      `SELECT mac, cle, tickets, evenements::int AS evenements, precedent_mac AS "precedentMac" FROM sceau WHERE jour = $1`,
      [jour],
    );
    if (existing) return { cree: false, jour, tetesInvalides: 0, ...existing };
    const [previous] = await m.query(`SELECT mac FROM sceau ORDER BY id DESC LIMIT 1`);
    const precedentMac: string | null = previous?.mac ?? null;
    const [{ id }] = await m.query(`SELECT nextval('sceau_id_seq')::text AS id`);

    const digest = createHash('sha256');
    let tickets = 0;
    let evenements = 0;
    let tetesInvalides = 0;
    for (const type of TICKET_TYPES) {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        // Heads not yet sealed as they stand (unchanged tickets are covered by an earlier seal).
        const heads: Array<{ id: string; seq: number; hash: string; mac: string | null; cle: string | null }> = await m.query(
          `SELECT t.id, t.fil_seq AS seq, t.fil_hash AS hash, t.fil_mac AS mac, t.fil_cle AS cle
             FROM ${TICKET_TABLES[type]} t
            WHERE t.id > $2 AND t.fil_seq > 0
              AND NOT EXISTS (SELECT 1 FROM sceau_tete s
                               WHERE s.ticket_type = $1 AND s.ticket_id = t.id AND s.seq = t.fil_seq AND s.hash = t.fil_hash)
            ORDER BY t.id LIMIT $3`,
          [type, after, SEAL_PAGE],
        );
        if (heads.length === 0) break;
        after = heads[heads.length - 1].id;
        const rows: Array<{ id: string; seq: number; hash: string; mac: string }> = [];
        for (const h of heads) {
          const headKey = h.cle ? keyring.keys.get(h.cle) : undefined;
          const head = { ticketType: type, ticketId: h.id, seq: h.seq, hash: h.hash };
          if (!headKey || !sameMac(h.mac, timelineHeadMac(headKey, head))) {
            tetesInvalides += 1;
            continue;
          }
          rows.push({ id: h.id, seq: h.seq, hash: h.hash, mac: sealedHeadMac(key, jour, head) });
          digest.update(`${type}/${h.id}/${h.seq}/${h.hash}\n`);
          tickets += 1;
          evenements += h.seq;
        }
        if (rows.length > 0) {
          await m.query(
            `INSERT INTO sceau_tete (ticket_type, ticket_id, sceau_id, seq, hash, mac)
             SELECT $1, t.id, $2, t.seq, t.hash, t.mac FROM unnest($3::uuid[], $4::int[], $5::text[], $6::text[]) AS t(id, seq, hash, mac)`,
            [type, id, rows.map((r) => r.id), rows.map((r) => r.seq), rows.map((r) => r.hash), rows.map((r) => r.mac)],
          );
        }
        if (heads.length < SEAL_PAGE) break;
      }
    }
    const digestHex = digest.digest('hex');
    const mac = sealMac(key, { jour, scelleA: now, precedentMac, tickets, evenements, digest: digestHex });
    await m.query(
      `INSERT INTO sceau (id, jour, scelle_a, tickets, evenements, digest, precedent_mac, mac, cle) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, jour, now, tickets, evenements, digestHex, precedentMac, mac, cle],
    );
    return { cree: true, jour, mac, cle, tickets, evenements, tetesInvalides, precedentMac };
  });
}

/**
 * Anchors the head of every ticket whose timeline predates the MAC (no head yet, only SHA-256
 * events): trust on first use, at the cut-over (`cli migrate` runs it; ADR 0002). A ticket that
 * has any MAC'd event is never re-anchored here.
 */
export async function anchorLegacyHeads(dataSource: DataSource): Promise<number> {
  const keyring = keyringOf(dataSource);
  const key = keyring.keys.get(keyring.currentKeyId)!;
  let anchored = 0;
  for (const type of TICKET_TYPES) {
    const heads: Array<{ id: string; seq: number; hash: string }> = await dataSource.query(
      `SELECT t.id, e.seq, e.hash
         FROM ${TICKET_TABLES[type]} t
         JOIN LATERAL (SELECT seq, hash FROM timeline_event WHERE ticket_type = $1 AND ticket_id = t.id ORDER BY seq DESC LIMIT 1) e ON true
        WHERE t.fil_mac IS NULL
          AND NOT EXISTS (SELECT 1 FROM timeline_event x WHERE x.ticket_type = $1 AND x.ticket_id = t.id AND x.cle IS NOT NULL)`,
      [type],
    );
    for (let i = 0; i < heads.length; i += SEAL_PAGE) {
      const page = heads.slice(i, i + SEAL_PAGE);
      await dataSource.query(
        `UPDATE ${TICKET_TABLES[type]} t SET fil_seq = h.seq, fil_hash = h.hash, fil_mac = h.mac, fil_cle = $4
           FROM unnest($1::uuid[], $2::int[], $3::text[], $5::text[]) AS h(id, seq, hash, mac) WHERE t.id = h.id AND t.fil_mac IS NULL`,
        [page.map((h) => h.id), page.map((h) => h.seq), page.map((h) => h.hash), keyring.currentKeyId,
          page.map((h) => timelineHeadMac(key, { ticketType: type, ticketId: h.id, seq: h.seq, hash: h.hash }))],
      );
    }
    anchored += heads.length;
  }
  return anchored;
}

export interface FullVerificationReport {
  tickets: number;
  evenements: number;
  anterieursAuMac: number;
  sceaux: number;
  anomalies: Array<{ ticketType: string; ticketId: string | null; seq: number | null; raison: string }>;
}

/** Tickets verified per round trip by verifyAllTimelines. */
const VERIFY_ALL_PAGE = 500;

/**
 * What `cli fil:verifier` checks: every ticket's timeline (as verifyTimeline does), timelines
 * whose ticket row is gone, and every seal (its MAC over its heads, their count, the chain of
 * seals). Anomalies are collected, not thrown: the report lists them all.
 */
export async function verifyAllTimelines(dataSource: DataSource, onAnomaly?: (a: FullVerificationReport['anomalies'][number]) => void): Promise<FullVerificationReport> {
  const keyring = keyringOf(dataSource);
  const report: FullVerificationReport = { tickets: 0, evenements: 0, anterieursAuMac: 0, sceaux: 0, anomalies: [] };
  const anomaly = (a: FullVerificationReport['anomalies'][number]) => {
    report.anomalies.push(a);
    onAnomaly?.(a);
  };

  for (const type of TICKET_TYPES) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await dataSource.transaction('REPEATABLE READ', async (m) => {
        const ids: string[] = (await m.query(`SELECT id FROM ${TICKET_TABLES[type]} WHERE id > $1 ORDER BY id LIMIT $2`, [after, VERIFY_ALL_PAGE])).map((r: { id: string }) => r.id);
        if (ids.length === 0) return ids;
        const heads = new Map((await readTicketHeads(m, type, ids)).map((h) => [h.id, h.head]));
        const sealed = new Map((await readSealedHeads(m, type, ids)).map((s) => [s.ticketId, s]));
        const events: StoredEvent[] = await m.query(
          `SELECT ${EVENT_COLUMNS} FROM timeline_event WHERE ticket_type = $1 AND ticket_id = ANY($2::uuid[]) ORDER BY ticket_id, seq`,
          [type, ids],
        );
        let i = 0;
        for (const id of ids) {
          const s = sealed.get(id) ?? null;
          const checker = new ChainChecker(keyring, type, id, s ? [s.seq] : []);
          while (i < events.length && events[i].ticketId === id) checker.push(events[i++]);
          record(type, id, checker.finish(heads.get(id) ?? null, s));
        }
        return ids;
      });
      if (page.length === 0) break;
      after = page[page.length - 1];
    }
    // Timelines (or sealed heads) whose ticket row has disappeared.
    const orphans: Array<{ ticket_id: string }> = await dataSource.query(
      `SELECT DISTINCT x.ticket_id FROM (
         SELECT ticket_id FROM timeline_event WHERE ticket_type = $1 AND seq = 1
         UNION ALL SELECT ticket_id FROM sceau_tete WHERE ticket_type = $1) x
        WHERE NOT EXISTS (SELECT 1 FROM ${TICKET_TABLES[type]} t WHERE t.id = x.ticket_id)`,
      [type],
    );
    for (const o of orphans) anomaly({ ticketType: type, ticketId: o.ticket_id, seq: null, raison: 'fil ou tête scellée d’un ticket qui n’existe plus' });
  }

  await verifySeals(dataSource, report, anomaly);
  return report;

  function record(type: TicketType, id: string, v: TimelineVerification) {
    report.tickets += 1;
    report.evenements += v.evenements;
    report.anterieursAuMac += v.anterieursAuMac;
    if (v.anomalie) anomaly({ ticketType: type, ticketId: id, seq: v.anomalie.seq, raison: v.anomalie.raison });
  }
}

/** Every seal: its MAC over its recorded heads (recomputed in order), their count, and the chain of seals. */
async function verifySeals(dataSource: DataSource, report: FullVerificationReport, anomaly: (a: FullVerificationReport['anomalies'][number]) => void): Promise<void> {
  const keyring = keyringOf(dataSource);
  const seals: Array<{ id: string; jour: string; scelleA: Date; tickets: number; evenements: number; digest: string; precedentMac: string | null; mac: string; cle: string }> =
    await dataSource.query(
      `SELECT id::text, to_char(jour, 'YYYY-MM-DD') AS jour, scelle_a AS "scelleA", tickets, evenements::float8 AS evenements, digest,
              precedent_mac AS "precedentMac", mac, cle
         FROM sceau ORDER BY id`,
    );
  let previousMac: string | null = null;
  for (const s of seals) {
    report.sceaux += 1;
    const key = keyring.keys.get(s.cle);
    const fail = (raison: string) => anomaly({ ticketType: 'sceau', ticketId: null, seq: null, raison: `sceau du ${s.jour} : ${raison}` });
    if (!key) {
      fail(`clé « ${s.cle} » inconnue`);
      previousMac = s.mac;
      continue;
    }
    if (s.precedentMac !== previousMac) fail('ne suit pas le sceau précédent (un sceau a été supprimé ou inséré)');
    const digest = createHash('sha256');
    let tickets = 0;
    let evenements = 0;
    for (const type of TICKET_TYPES) {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const heads: Array<{ ticketId: string; seq: number; hash: string; mac: string }> = await dataSource.query(
          `SELECT ticket_id AS "ticketId", seq, hash, mac FROM sceau_tete WHERE sceau_id = $1 AND ticket_type = $2 AND ticket_id > $3 ORDER BY ticket_id LIMIT $4`,
          [s.id, type, after, SEAL_PAGE],
        );
        for (const h of heads) {
          const head = { ticketType: type, ticketId: h.ticketId, seq: h.seq, hash: h.hash };
          if (!sameMac(h.mac, sealedHeadMac(key, s.jour, head))) fail(`tête scellée de ${type} ${h.ticketId} invalide`);
          digest.update(`${type}/${h.ticketId}/${h.seq}/${h.hash}\n`);
          tickets += 1;
          evenements += h.seq;
        }
        if (heads.length < SEAL_PAGE) break;
        after = heads[heads.length - 1].ticketId;
      }
    }
    const digestHex = digest.digest('hex');
    const expected = sealMac(key, { jour: s.jour, scelleA: s.scelleA, precedentMac: s.precedentMac, tickets: s.tickets, evenements: s.evenements, digest: s.digest });
    if (!sameMac(s.mac, expected)) fail('MAC invalide');
    else if (digestHex !== s.digest || tickets !== s.tickets || evenements !== s.evenements) fail('ses têtes ont été modifiées, ajoutées ou supprimées');
    previousMac = s.mac;
  }
}

