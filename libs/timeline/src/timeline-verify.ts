import { TimelineKeyring } from '@app/core';
import { EntityManager } from 'typeorm';
import { TimelineRecord, timelineEventHash } from './timeline-hash';
import { keyringOf, Queryable, sameMac, sealedHeadMac, timelineEventMac, timelineHeadMac } from './timeline-mac';
import { TICKET_TABLES, TicketType, TimelineVerification } from './timeline.types';

export interface StoredEvent extends TimelineRecord {
  hash: string;
  cle: string | null;
}

export const EVENT_COLUMNS = `id AS "eventId", ticket_type AS "ticketType", ticket_id AS "ticketId", seq, type, at,
  acteur_id AS "acteurId", acteur_nom AS "acteurNom", acteur_role AS "acteurRole", visibilite,
  unite_type AS "uniteType", unite_id AS "uniteId", data, hash, previous_hash AS "previousHash", cle, format, empreintes`;

/** The head stored on a ticket row; null when the row does not exist. */
export interface StoredTicketHead {
  seq: number;
  hash: string | null;
  mac: string | null;
  cle: string | null;
}

/** The latest seal's record of a ticket's head. */
export interface StoredSealedHead {
  jour: string;
  scelleA: Date;
  seq: number;
  hash: string;
  mac: string;
  cle: string;
}

/**
 * Checks one ticket's chain, fed its events in seq order, then its head and latest seal. Each
 * event must follow (seq), link (previousHash) and carry a MAC that its key recomputes; events
 * from before the MAC (no key id, SHA-256) only as a prefix. The chain must end exactly at the
 * head anchored on the ticket row (a deleted tail, an extra event), and still hold what the
 * latest seal recorded (shortened or rewritten since).
 */
export class ChainChecker {
  private evenements = 0;
  private anterieurs = 0;
  private expectedSeq = 1;
  private previousHash: string | null = null;
  private macSeen = false;
  private anomalie: { seq: number; raison: string } | null = null;
  private hashAt = new Map<number, string>();

  constructor(
    private readonly keyring: TimelineKeyring,
    private readonly ticketType: string,
    private readonly ticketId: string,
    private readonly watchSeqs: number[] = [],
  ) {}

  private flag(seq: number, raison: string): void {
    if (!this.anomalie) this.anomalie = { seq, raison };
  }

  push(event: StoredEvent): void {
    this.evenements += 1;
    if (event.seq !== this.expectedSeq) {
      this.flag(event.seq, `l’événement n° ${this.expectedSeq}${event.seq - 1 > this.expectedSeq ? ` à ${event.seq - 1}` : ''} manque avant celui-ci`);
    } else if (event.previousHash !== this.previousHash) {
      this.flag(event.seq, 'le lien vers l’événement précédent est rompu');
    } else if (event.cle === null) {
      if (this.macSeen) this.flag(event.seq, 'événement sans clé après le passage au MAC : ajouté hors de l’application');
      else if (timelineEventHash(event) !== event.hash) this.flag(event.seq, 'empreinte invalide : contenu modifié');
      else this.anterieurs += 1;
    } else {
      this.macSeen = true;
      const key = this.keyring.keys.get(event.cle);
      if (!key) this.flag(event.seq, `clé « ${event.cle} » inconnue de cette installation`);
      else if (!sameMac(timelineEventMac(key, event), event.hash)) this.flag(event.seq, 'MAC invalide : contenu modifié ou événement forgé');
    }
    if (this.watchSeqs.includes(event.seq)) this.hashAt.set(event.seq, event.hash);
    this.expectedSeq = event.seq + 1;
    this.previousHash = event.hash;
  }

  finish(head: StoredTicketHead | null, sealed: StoredSealedHead | null): TimelineVerification {
    const lastSeq = this.expectedSeq - 1;
    let teteValide = false;
    if (head === null) {
      if (this.evenements > 0) this.flag(lastSeq, `le ${this.ticketType} n’existe plus alors que son fil existe`);
    } else if (head.seq === 0 && head.mac === null) {
      teteValide = this.evenements === 0;
      if (!teteValide) this.flag(1, 'le ticket ne porte pas la tête de son fil');
    } else {
      const key = head.cle ? this.keyring.keys.get(head.cle) : undefined;
      const macOk = !!key && sameMac(head.mac, timelineHeadMac(key, { ticketType: this.ticketType, ticketId: this.ticketId, seq: head.seq, hash: head.hash }));
      if (!macOk) this.flag(Math.min(head.seq, lastSeq + 1) || 1, 'la tête portée par le ticket ne vérifie pas (MAC invalide)');
      else if (head.seq > lastSeq) this.flag(lastSeq + 1, `événement${head.seq > lastSeq + 1 ? 's' : ''} n° ${lastSeq + 1}${head.seq > lastSeq + 1 ? ` à ${head.seq}` : ''} supprimé${head.seq > lastSeq + 1 ? 's' : ''} : le fil s’arrête avant sa tête`);
      else if (head.seq < lastSeq) this.flag(head.seq + 1, `événement${lastSeq > head.seq + 1 ? 's' : ''} au-delà de la tête du ticket (n° ${head.seq}) : ajouté${lastSeq > head.seq + 1 ? 's' : ''} hors de l’application`);
      else if (head.hash !== this.previousHash) this.flag(lastSeq, 'le dernier événement n’est pas celui de la tête du ticket');
      teteValide = macOk && head.seq === lastSeq && head.hash === this.previousHash;
    }

    let sceau: TimelineVerification['sceau'] = null;
    if (sealed) {
      const key = this.keyring.keys.get(sealed.cle);
      const head = { ticketType: this.ticketType, ticketId: this.ticketId, seq: sealed.seq, hash: sealed.hash };
      let valide = false;
      if (!key || !sameMac(sealed.mac, sealedHeadMac(key, sealed.jour, head))) this.flag(sealed.seq, `le sceau du ${sealed.jour} ne vérifie pas pour ce ticket`);
      else if (sealed.seq > lastSeq) this.flag(lastSeq + 1, `fil plus court que le sceau du ${sealed.jour} (qui en scellait ${sealed.seq} événements)`);
      else if (this.hashAt.get(sealed.seq) !== sealed.hash) this.flag(sealed.seq, `événement n° ${sealed.seq} réécrit depuis le sceau du ${sealed.jour}`);
      else valide = true;
      sceau = { jour: sealed.jour, scelleA: sealed.scelleA.toISOString(), seq: sealed.seq, valide };
    }

    const result: TimelineVerification = {
      valide: this.anomalie === null,
      evenements: this.evenements,
      premiereAnomalie: this.anomalie?.seq ?? null,
      anterieursAuMac: this.anterieurs,
      tete: { seq: head?.seq ?? 0, cle: head?.cle ?? null, valide: teteValide },
      sceau,
    };
    if (this.anomalie) result.anomalie = this.anomalie;
    return result;
  }
}

/** Rows read per round trip when verifying one ticket: bounds memory on a long timeline. */
const VERIFY_PAGE = 500;

/**
 * Verifies one ticket in one snapshot (REPEATABLE READ): the head, the events and the seal are
 * read as of the same instant, so an append committing meanwhile is never taken for tampering.
 */
export async function verifyOneTimeline(q: Queryable, ticketType: TicketType, ticketId: string): Promise<TimelineVerification> {
  const keyring = keyringOf(q);
  const run = async (m: EntityManager): Promise<TimelineVerification> => {
    const [head] = await readTicketHeads(m, ticketType, [ticketId]);
    const [sealed] = await readSealedHeads(m, ticketType, [ticketId]);
    const checker = new ChainChecker(keyring, ticketType, ticketId.toLowerCase(), sealed ? [sealed.seq] : []);
    let afterSeq = 0;
    for (;;) {
      const page: StoredEvent[] = await m.query(
        `SELECT ${EVENT_COLUMNS} FROM timeline_event WHERE ticket_type = $1 AND ticket_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
        [ticketType, ticketId, afterSeq, VERIFY_PAGE],
      );
      for (const event of page) checker.push(event);
      if (page.length < VERIFY_PAGE) break;
      afterSeq = page[page.length - 1].seq;
    }
    return checker.finish(head?.head ?? null, sealed ?? null);
  };
  const manager = q instanceof EntityManager ? q : q.manager;
  if (manager.queryRunner?.isTransactionActive) return run(manager);
  return manager.transaction('REPEATABLE READ', run);
}

export async function readTicketHeads(m: EntityManager, ticketType: TicketType, ids: string[]): Promise<Array<{ id: string; head: StoredTicketHead }>> {
  const rows: Array<{ id: string; seq: number; hash: string | null; mac: string | null; cle: string | null }> = await m.query(
    `SELECT id, fil_seq AS seq, fil_hash AS hash, fil_mac AS mac, fil_cle AS cle FROM ${TICKET_TABLES[ticketType]} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({ id: r.id, head: { seq: r.seq, hash: r.hash, mac: r.mac, cle: r.cle } }));
}

/** The latest sealed head of each ticket (tickets never sealed are absent). */
export async function readSealedHeads(m: EntityManager, ticketType: TicketType, ids: string[]): Promise<Array<StoredSealedHead & { ticketId: string }>> {
  return m.query(
    `SELECT DISTINCT ON (t.ticket_id) t.ticket_id AS "ticketId", to_char(s.jour, 'YYYY-MM-DD') AS jour, s.scelle_a AS "scelleA",
            t.seq, t.hash, t.mac, s.cle
       FROM sceau_tete t JOIN sceau s ON s.id = t.sceau_id
      WHERE t.ticket_type = $1 AND t.ticket_id = ANY($2::uuid[])
      ORDER BY t.ticket_id, t.sceau_id DESC`,
    [ticketType, ids],
  );
}
