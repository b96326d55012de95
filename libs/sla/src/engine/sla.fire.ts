import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@app/core';
import { recordEventsOfTickets, recordTicketEvents, TicketEvents, TimelineEntry } from '@app/timeline';
import { SlaClock } from '../clocks/sla-clock';
import { SlaHorlogeRow } from '../persistence/sla.entities';
import { SANS_AFFECTATION, toState, TimerType } from './sla.engine';

export type FireOutcome = 'fired' | 'stale' | 'duplicate' | 'absent';

/** One timer to fire: what its BullMQ job carries. */
export interface FireRequest {
  horlogeId: string;
  generation: number;
  type: TimerType;
}

const TICKET_TABLES = { question: 'question', commande: 'commande' } as const;

/**
 * Settings of a fire's transaction, set by its first statement (no extra round trip):
 * - No outbox NOTIFY: PostgreSQL commits notifying transactions one at a time (each with its
 *   own WAL flush), which caps bulk fires; the relay's polling picks the outbox row up instead.
 * - Asynchronous commit: the commit does not wait for the WAL flush. On this machine's disk an
 *   fsync now and then takes 0.4–0.6 s, and every fire committing then waited for it (the SLA
 *   timer benchmark's whole tail). A fire is safe to commit this way: a PostgreSQL crash can
 *   only lose the last few hundred milliseconds of fires whole (clock row, fire key, timeline
 *   event and outbox row together, never in part); their clocks are then running and overdue
 *   with no timer in Redis, and the reconciler fires them again within a period. Nothing
 *   outside the database can have acted on a lost fire: the outbox consumers commit
 *   synchronously before any effect, and a synchronous commit flushes all the WAL before it,
 *   the fire's included. See ADR 0006.
 */
const FIRE_TRANSACTION_SETTINGS = `set_config('relais.outbox_silencieux', 'on', true), set_config('synchronous_commit', 'off', true)`;

/**
 * Fires one timer, exactly once: the clock row is locked, the generation and state checked, and
 * the (clock, generation, type) key inserted with ON CONFLICT DO NOTHING — only the insert that
 * wins writes the timeline event and the outbox row, whatever retries or second worker.
 */
@Injectable()
export class SlaFirer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  fire(horlogeId: string, generation: number, type: TimerType): Promise<FireOutcome> {
    return this.dataSource.transaction((manager) => this.fireIn(manager, horlogeId, generation, type));
  }

  async fireIn(manager: EntityManager, horlogeId: string, generation: number, type: TimerType): Promise<FireOutcome> {
    // Raw SQL on this hot path: two statements where an ORM round would take four. The lock
    // also sets the transaction's settings (FIRE_TRANSACTION_SETTINGS).
    const [raw] = await manager.query(
      `SELECT h.*, ${FIRE_TRANSACTION_SETTINGS} FROM sla_horloge h WHERE h.id = $1 FOR UPDATE`,
      [horlogeId],
    );
    if (!raw) return 'absent';
    const row = fromRaw(raw);
    const at = this.clock.now();
    const clock = SlaClock.from(toState(row));
    const planned = type === 'depassement' ? row.echeance : row.avertissementA;
    const applies = type === 'depassement' ? clock.breach(at, generation) : clock.warn(at, generation);
    if (!applies || !planned) return 'stale';
    const retardMs = Math.max(0, at.getTime() - planned.getTime());
    const s = clock.state;
    const fired = await manager.query(
      `WITH fired AS (
         INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING horloge_id)
       UPDATE sla_horloge SET etat = $6, depassee_a = $7, avertie_a = $8, version = version + 1
        WHERE id = $1 AND EXISTS (SELECT 1 FROM fired) RETURNING id`,
      [horlogeId, generation, type, at, Math.min(retardMs, 2_147_483_647), s.etat, s.depasseeA, s.avertieA],
    );
    if (fired.length === 0) return 'duplicate';

    // The timeline needs the ticket row locked, as every writer of a ticket's timeline does.
    await manager.query(`SELECT 1 FROM ${TICKET_TABLES[row.ticketType]} WHERE id = $1 FOR UPDATE`, [row.ticketId]);
    await recordTicketEvents(
      manager,
      row.ticketType,
      row.ticketId,
      [fireEvent(row, type, at, planned, retardMs)],
      (e) => ({ ...e.data, notifier: 'manager_du_detenteur' }),
    );
    return 'fired';
  }

  /**
   * Fires many timers in one transaction (group commit): the same checks and the same
   * exactly-once key as fireIn, in set-based statements, so that a burst of due timers costs a
   * few round trips and one commit instead of eight round trips and one commit each. Returns
   * each request's outcome, in order. If anything fails, nothing is written and every request
   * of the batch must be retried (fires are idempotent).
   */
  fireBatch(requests: FireRequest[]): Promise<FireOutcome[]> {
    if (requests.length === 0) return Promise.resolve([]);
    return this.dataSource.transaction((manager) => this.fireBatchIn(manager, requests));
  }

  async fireBatchIn(manager: EntityManager, requests: FireRequest[]): Promise<FireOutcome[]> {
    // Clock rows locked in id order, so concurrent batches never wait on each other in a cycle.
    // As in fireIn, the lock query also sets the transaction's settings.
    const ids = [...new Set(requests.map((r) => r.horlogeId.toLowerCase()))];
    const raws: any[] = await manager.query(
      `SELECT h.*, ${FIRE_TRANSACTION_SETTINGS} FROM sla_horloge h WHERE h.id = ANY($1::uuid[]) ORDER BY h.id FOR UPDATE`,
      [ids],
    );
    const rows = new Map(raws.map((r) => [r.id as string, fromRaw(r)]));
    const at = this.clock.now();
    const outcomes: FireOutcome[] = requests.map(() => 'stale');
    // Each clock's requests applied in order on one in-memory clock, as successive fires would be.
    const clocks = new Map<string, SlaClock>();
    const candidates: Array<{ k: number; row: SlaHorlogeRow; planned: Date; retardMs: number }> = [];
    requests.forEach((r, k) => {
      const row = rows.get(r.horlogeId.toLowerCase());
      if (!row) {
        outcomes[k] = 'absent';
        return;
      }
      let clock = clocks.get(row.id);
      if (!clock) clocks.set(row.id, (clock = SlaClock.from(toState(row))));
      const planned = r.type === 'depassement' ? row.echeance : row.avertissementA;
      const applies = r.type === 'depassement' ? clock.breach(at, r.generation) : clock.warn(at, r.generation);
      if (applies && planned) candidates.push({ k, row, planned, retardMs: Math.max(0, at.getTime() - planned.getTime()) });
    });
    if (candidates.length === 0) return outcomes;

    // One statement: the fired keys (the exactly-once guard), the clock rows of the keys that
    // won, and the lock of every ticket concerned (questions, then commandes, each by id: one
    // stable order; the counts make PostgreSQL run those CTEs). Each clock is written in the
    // state reached with all its fires; should one of several fires of a clock lose its key,
    // that clock is corrected below.
    const assumed = [...new Set(candidates.map((c) => c.row.id))].map((id) => ({ id, s: clocks.get(id)!.state }));
    const ticketsOf = (type: 'question' | 'commande') => [...new Set(candidates.filter((c) => c.row.ticketType === type).map((c) => c.row.ticketId))].sort();
    const won: Array<{ horloge_id: string; generation: number; type: string }> = await manager.query(
      `WITH fired AS (
         INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms)
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::varchar[], $4::timestamptz[], $5::int[])
         ON CONFLICT DO NOTHING RETURNING horloge_id, generation, type),
       written AS (
         UPDATE sla_horloge h SET etat = v.etat, depassee_a = v.depassee_a, avertie_a = v.avertie_a, version = h.version + 1
           FROM unnest($6::uuid[], $7::varchar[], $8::timestamptz[], $9::timestamptz[]) AS v(id, etat, depassee_a, avertie_a)
          WHERE h.id = v.id AND EXISTS (SELECT 1 FROM fired f WHERE f.horloge_id = v.id)),
       questions AS (SELECT id FROM ${TICKET_TABLES.question} WHERE id = ANY($10::uuid[]) ORDER BY id FOR UPDATE),
       commandes AS (SELECT id FROM ${TICKET_TABLES.commande} WHERE id = ANY($11::uuid[]) ORDER BY id FOR UPDATE)
       SELECT horloge_id, generation, type, (SELECT count(*) FROM questions) + (SELECT count(*) FROM commandes) AS locked FROM fired`,
      [
        candidates.map((c) => c.row.id),
        candidates.map((c) => requests[c.k].generation),
        candidates.map((c) => requests[c.k].type),
        candidates.map(() => at),
        candidates.map((c) => Math.min(c.retardMs, 2_147_483_647)),
        assumed.map((x) => x.id),
        assumed.map((x) => x.s.etat),
        assumed.map((x) => x.s.depasseeA),
        assumed.map((x) => x.s.avertieA),
        ticketsOf('question'),
        ticketsOf('commande'),
      ],
    );
    const wonKeys = new Set(won.map((w) => `${w.horloge_id}/${w.generation}/${w.type}`));
    const winners = candidates.filter((c) => wonKeys.has(`${c.row.id}/${requests[c.k].generation}/${requests[c.k].type}`));
    for (const c of candidates) outcomes[c.k] = 'duplicate';
    for (const c of winners) outcomes[c.k] = 'fired';
    if (winners.length === 0) return outcomes;

    // A clock with a winning and a losing fire: its state from the winning fires only.
    const partly = new Set(candidates.filter((c) => outcomes[c.k] === 'duplicate').map((c) => c.row.id));
    const corrected = [...partly].filter((id) => winners.some((c) => c.row.id === id));
    if (corrected.length > 0) {
      const states = corrected.map((id) => {
        const own = winners.filter((c) => c.row.id === id);
        const clock = SlaClock.from(toState(own[0].row));
        for (const c of own) {
          const r = requests[c.k];
          if (r.type === 'depassement') clock.breach(at, r.generation);
          else clock.warn(at, r.generation);
        }
        return { id, s: clock.state };
      });
      await manager.query(
        `UPDATE sla_horloge h SET etat = v.etat, depassee_a = v.depassee_a, avertie_a = v.avertie_a
           FROM unnest($1::uuid[], $2::varchar[], $3::timestamptz[], $4::timestamptz[]) AS v(id, etat, depassee_a, avertie_a)
          WHERE h.id = v.id`,
        [states.map((x) => x.id), states.map((x) => x.s.etat), states.map((x) => x.s.depasseeA), states.map((x) => x.s.avertieA)],
      );
    }

    const tickets: TicketEvents<TimelineEntry>[] = winners.map((c) => ({
      ticketType: c.row.ticketType,
      ticketId: c.row.ticketId,
      events: [fireEvent(c.row, requests[c.k].type, at, c.planned, c.retardMs)],
    }));
    await recordEventsOfTickets(manager, tickets, (e) => ({ ...e.data, notifier: 'manager_du_detenteur' }));
    return outcomes;
  }
}

/** The timeline event of a fire; the holder's manager is notified through its outbox row. */
function fireEvent(row: SlaHorlogeRow, type: TimerType, at: Date, planned: Date, retardMs: number): TimelineEntry {
  return {
    eventId: randomUUID(),
    type: type === 'depassement' ? 'sla.depassement' : 'sla.avertissement',
    at,
    acteur: null,
    visibilite: 'partage',
    unite: null,
    data: {
      horlogeId: row.id,
      horloge: row.horloge,
      cycle: row.cycle,
      affectationId: row.affectationId === SANS_AFFECTATION ? null : row.affectationId,
      // A livrable's deadline clock names its livrable (a rebuild finds the clock by it).
      ...(row.objet ? { livrableId: row.objet } : {}),
      echeance: planned.toISOString(),
      retardMs,
    },
  };
}

/** A raw sla_horloge row (snake_case, as pg returns it) as the entity. */
function fromRaw(r: any): SlaHorlogeRow {
  return Object.assign(new SlaHorlogeRow(), {
    id: r.id,
    ticketType: r.ticket_type,
    ticketId: r.ticket_id,
    affectationId: r.affectation_id,
    horloge: r.horloge,
    objet: r.objet,
    cycle: r.cycle,
    etat: r.etat,
    cibleMinutes: Number(r.cible_minutes),
    seuilPct: r.seuil_pct,
    calendrierId: r.calendrier_id,
    consommeMinutes: Number(r.consomme_minutes),
    segmentDepuis: r.segment_depuis,
    echeance: r.echeance,
    avertissementA: r.avertissement_a,
    generation: r.generation,
    avertieA: r.avertie_a,
    depasseeA: r.depassee_a,
    atteinteA: r.atteinte_a,
    version: r.version,
  });
}
