import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@app/core';
import { recordTicketEvents } from '@app/timeline';
import { SlaClock } from '../clocks/sla-clock';
import { SlaHorlogeRow } from '../persistence/sla.entities';
import { SANS_AFFECTATION, toState, TimerType } from './sla.engine';

export type FireOutcome = 'fired' | 'stale' | 'duplicate' | 'absent';

const TICKET_TABLES = { question: 'question', commande: 'commande' } as const;

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
    // also turns off the outbox NOTIFY for this transaction: PostgreSQL commits notifying
    // transactions one at a time (each with its own WAL flush), which caps bulk fires; the
    // relay's polling picks the outbox row up instead.
    const [raw] = await manager.query(
      `SELECT h.*, set_config('relais.outbox_silencieux', 'on', true) FROM sla_horloge h WHERE h.id = $1 FOR UPDATE`,
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
    const eventId = randomUUID();
    const eventType = type === 'depassement' ? 'sla.depassement' : 'sla.avertissement';
    const data = {
      horlogeId: row.id,
      horloge: row.horloge,
      cycle: row.cycle,
      affectationId: row.affectationId === SANS_AFFECTATION ? null : row.affectationId,
      echeance: planned.toISOString(),
      retardMs,
    };
    // The holder's manager is notified through the outbox row (notification channels come later).
    await recordTicketEvents(
      manager,
      row.ticketType,
      row.ticketId,
      [{ eventId, type: eventType, at, acteur: null, visibilite: 'partage', unite: null, data }],
      (e) => ({ ...e.data, notifier: 'manager_du_detenteur' }),
    );
    return 'fired';
  }
}

/** A raw sla_horloge row (snake_case, as pg returns it) as the entity. */
function fromRaw(r: any): SlaHorlogeRow {
  return Object.assign(new SlaHorlogeRow(), {
    id: r.id,
    ticketType: r.ticket_type,
    ticketId: r.ticket_id,
    affectationId: r.affectation_id,
    horloge: r.horloge,
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
