import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appendToOutbox, Clock } from '@app/core';
import { appendToTimeline } from '@app/timeline';
import { SlaClock } from '../clocks/sla-clock';
import { SlaHorlogeRow } from '../persistence/sla.entities';
import { fromState, toState, TimerType } from './sla.engine';

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
    const row = await manager.getRepository(SlaHorlogeRow).createQueryBuilder('h').setLock('pessimistic_write').where('h.id = :id', { id: horlogeId }).getOne();
    if (!row) return 'absent';
    const at = this.clock.now();
    const clock = SlaClock.from(toState(row));
    const planned = type === 'depassement' ? row.echeance : row.avertissementA;
    const applies = type === 'depassement' ? clock.breach(at, generation) : clock.warn(at, generation);
    if (!applies || !planned) return 'stale';
    const retardMs = Math.max(0, at.getTime() - planned.getTime());
    const inserted = await manager.query(
      `INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING horloge_id`,
      [horlogeId, generation, type, at, Math.min(retardMs, 2_147_483_647)],
    );
    if (inserted.length === 0) return 'duplicate';
    await manager.getRepository(SlaHorlogeRow).update({ id: row.id }, { ...fromState(clock.state), version: row.version + 1 });

    // The timeline needs the ticket row locked, as every writer of a ticket's timeline does.
    await manager.query(`SELECT 1 FROM ${TICKET_TABLES[row.ticketType]} WHERE id = $1 FOR UPDATE`, [row.ticketId]);
    const eventId = randomUUID();
    const eventType = type === 'depassement' ? 'sla.depassement' : 'sla.avertissement';
    const data = {
      horlogeId: row.id,
      horloge: row.horloge,
      cycle: row.cycle,
      affectationId: row.affectationId === '00000000-0000-0000-0000-000000000000' ? null : row.affectationId,
      echeance: planned.toISOString(),
      retardMs,
    };
    await appendToTimeline(manager, row.ticketType, row.ticketId, [{ eventId, type: eventType, at, acteur: null, visibilite: 'partage', unite: null, data }]);
    // The holder's manager is notified through this row (notification channels come later).
    await appendToOutbox(manager, [
      { id: eventId, type: eventType, aggregateType: row.ticketType, aggregateId: row.ticketId, occurredAt: at, payload: { ...data, notifier: 'manager_du_detenteur' } },
    ]);
    return 'fired';
  }
}
