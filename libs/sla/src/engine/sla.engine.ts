import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BusinessCalendar } from '../calendar/business-calendar';
import { ClockState, SlaClock } from '../clocks/sla-clock';
import { Horloge, SlaDetentionRow, SlaHorlogeRow } from '../persistence/sla.entities';
import { CalendarRegistry, Holder } from './calendars';
import { choisirPolitique } from './politiques';

/** The assignment id of clocks that belong to the whole ticket (keeps the unique key total). */
export const SANS_AFFECTATION = '00000000-0000-0000-0000-000000000000';

export type TimerType = 'avertissement' | 'depassement';

/** A timer to arm (or to drop, for an older generation) once the transaction has committed. */
export interface TimerPlan {
  arm: Array<{ horlogeId: string; generation: number; type: TimerType; at: Date }>;
  drop: Array<{ horlogeId: string; generation: number; type: TimerType }>;
}

export const emptyPlan = (): TimerPlan => ({ arm: [], drop: [] });

export interface TicketRef {
  ticketType: 'question' | 'commande';
  ticketId: string;
  affectationId?: string | null;
}

export interface StartContext {
  at: Date;
  flux: 'question' | 'commande';
  priorite: string | null;
  directionId: string | null;
  themeId: string | null;
  holder: Holder;
}

const FINAL = new Set(['met', 'cancelled']);

/**
 * Clock operations, in the caller's transaction, on locked rows. Each returns the timers to arm
 * or drop after commit; the rows stay the truth and the reconciler repairs any timer lost.
 */
@Injectable()
export class SlaEngine {
  constructor(private readonly calendars: CalendarRegistry) {}

  /**
   * Starts a clock unless one of that kind is already open on the ticket (a replayed event
   * changes nothing). After a met or cancelled one, it opens the next cycle: a reopened
   * question gets a fresh clock instead of breaching at once. Without a policy, no clock.
   */
  async demarrer(manager: EntityManager, ref: TicketRef, horloge: Horloge, ctx: StartContext): Promise<TimerPlan> {
    const plan = emptyPlan();
    const affectationId = ref.affectationId ?? SANS_AFFECTATION;
    const existing = await manager.query(
      `SELECT etat, cycle FROM sla_horloge WHERE ticket_type = $1 AND ticket_id = $2 AND affectation_id = $3 AND horloge = $4
        ORDER BY cycle DESC LIMIT 1 FOR UPDATE`,
      [ref.ticketType, ref.ticketId, affectationId, horloge],
    );
    if (existing[0] && !FINAL.has(existing[0].etat)) return plan;
    const politique = await choisirPolitique(manager, { flux: ctx.flux, horloge, priorite: ctx.priorite, directionId: ctx.directionId, themeId: ctx.themeId });
    if (!politique) return plan;
    const { id: calendrierId, calendar } = await this.calendars.forHolder(manager, ctx.holder);
    const clock = SlaClock.start(ctx.at, politique.cibleMinutes, politique.seuilPct, calendar);
    const row: Partial<SlaHorlogeRow> = {
      id: randomUUID(),
      ticketType: ref.ticketType,
      ticketId: ref.ticketId,
      affectationId,
      horloge,
      cycle: (existing[0]?.cycle ?? 0) + 1,
      politiqueId: politique.id,
      politiqueVersion: politique.version,
      calendrierId,
      demarreeA: ctx.at,
      version: 1,
      ...fromState(clock.state),
    };
    await manager.getRepository(SlaHorlogeRow).insert(row);
    await manager.getRepository(SlaDetentionRow).insert({ horlogeId: row.id!, detenteurType: ctx.holder.type, detenteurId: ctx.holder.id, depuis: ctx.at });
    addArms(plan, row.id!, clock);
    return plan;
  }

  /** The awaited step happened: the open clock of that kind is met (late if it had breached). */
  async atteindre(manager: EntityManager, ref: TicketRef, horloge: Horloge, at: Date): Promise<TimerPlan> {
    return this.onOpen(manager, ref, [horloge], at, (clock, calendar) => clock.meet(at, calendar));
  }

  async suspendre(manager: EntityManager, ref: TicketRef, horloges: Horloge[], at: Date): Promise<TimerPlan> {
    return this.onOpen(manager, ref, horloges, at, (clock, calendar) => clock.state.etat === 'running' && (clock.pause(at, calendar), true));
  }

  async reprendre(manager: EntityManager, ref: TicketRef, horloges: Horloge[], at: Date): Promise<TimerPlan> {
    return this.onOpen(manager, ref, horloges, at, (clock, calendar) => clock.state.etat === 'paused' && (clock.resume(at, calendar), true));
  }

  async annuler(manager: EntityManager, ref: TicketRef, horloges: Horloge[], at: Date): Promise<TimerPlan> {
    return this.onOpen(manager, ref, horloges, at, (clock) => clock.cancel());
  }

  /**
   * The ticket changed hands (rerouted to another direction): the clocks keep running, the time
   * so far is attributed to the previous holder, and the rest is planned on the new holder's calendar.
   */
  async changerDetenteur(manager: EntityManager, ref: TicketRef, holder: Holder, at: Date): Promise<TimerPlan> {
    const plan = emptyPlan();
    const { id: calendrierId, calendar: nouveau } = await this.calendars.forHolder(manager, holder);
    for (const row of await this.openRows(manager, ref, null)) {
      const ancien = await this.calendars.get(manager, row.calendrierId);
      const clock = SlaClock.from(toState(row));
      const before = clock.state.generation;
      clock.reschedule(at, ancien, nouveau);
      await this.closeDetention(manager, row.id, at, ancien);
      await manager.getRepository(SlaDetentionRow).insert({ horlogeId: row.id, detenteurType: holder.type, detenteurId: holder.id, depuis: at });
      await this.save(manager, row, clock, { calendrierId });
      if (clock.state.generation !== before) {
        addDrops(plan, row.id, before);
        addArms(plan, row.id, clock);
      }
    }
    return plan;
  }

  /**
   * A calendar changed (closure day added, hours changed): every running clock on it keeps the
   * time consumed on the old calendar and plans the rest on the new one.
   */
  async replanifierCalendrier(manager: EntityManager, calendrierId: string, ancien: BusinessCalendar, at: Date): Promise<TimerPlan> {
    const plan = emptyPlan();
    const nouveau = await this.calendars.get(manager, calendrierId);
    const rows = await manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .setLock('pessimistic_write')
      .where(`h.calendrier_id = :calendrierId AND h.etat = 'running'`, { calendrierId })
      .getMany();
    for (const row of rows) {
      const clock = SlaClock.from(toState(row));
      const before = clock.state.generation;
      clock.reschedule(at, ancien, nouveau);
      await this.save(manager, row, clock);
      addDrops(plan, row.id, before);
      addArms(plan, row.id, clock);
    }
    return plan;
  }

  /** Applies `op` to the open clocks of these kinds; saves those it changed. */
  private async onOpen(
    manager: EntityManager,
    ref: TicketRef,
    horloges: Horloge[],
    at: Date,
    op: (clock: SlaClock, calendar: BusinessCalendar) => boolean,
  ): Promise<TimerPlan> {
    const plan = emptyPlan();
    for (const row of await this.openRows(manager, ref, horloges)) {
      const calendar = await this.calendars.get(manager, row.calendrierId);
      const clock = SlaClock.from(toState(row));
      const before = clock.state.generation;
      if (!op(clock, calendar)) continue;
      const etat = clock.state.etat;
      if (etat === 'met' || etat === 'cancelled') await this.closeDetention(manager, row.id, at, calendar);
      await this.save(manager, row, clock);
      addDrops(plan, row.id, before);
      addArms(plan, row.id, clock);
    }
    return plan;
  }

  private async openRows(manager: EntityManager, ref: TicketRef, horloges: Horloge[] | null): Promise<SlaHorlogeRow[]> {
    const qb = manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .setLock('pessimistic_write')
      .where('h.ticket_type = :t AND h.ticket_id = :id AND h.affectation_id = :a', {
        t: ref.ticketType,
        id: ref.ticketId,
        a: ref.affectationId ?? SANS_AFFECTATION,
      })
      .andWhere(`h.etat IN ('running', 'paused', 'breached')`)
      .orderBy('h.horloge')
      .addOrderBy('h.cycle');
    if (horloges) qb.andWhere('h.horloge IN (:...horloges)', { horloges });
    return qb.getMany();
  }

  private async closeDetention(manager: EntityManager, horlogeId: string, at: Date, calendar: BusinessCalendar): Promise<void> {
    const rows: Array<{ id: string; depuis: Date }> = await manager.query(
      `SELECT id, depuis FROM sla_detention WHERE horloge_id = $1 AND jusqu_a IS NULL`,
      [horlogeId],
    );
    for (const d of rows) {
      const minutes = calendar.businessMinutesBetween(new Date(d.depuis), at);
      await manager.query(`UPDATE sla_detention SET jusqu_a = $2, minutes = $3 WHERE id = $1`, [d.id, at, minutes]);
    }
  }

  private async save(manager: EntityManager, row: SlaHorlogeRow, clock: SlaClock, extra: Partial<SlaHorlogeRow> = {}): Promise<void> {
    await manager.getRepository(SlaHorlogeRow).update({ id: row.id }, { ...fromState(clock.state), ...extra, version: row.version + 1 });
  }
}

export function toState(row: SlaHorlogeRow): ClockState {
  return {
    etat: row.etat,
    cibleMinutes: Number(row.cibleMinutes),
    seuilPct: row.seuilPct,
    consommeMinutes: Number(row.consommeMinutes),
    segmentDepuis: row.segmentDepuis,
    echeance: row.echeance,
    avertissementA: row.avertissementA,
    generation: row.generation,
    depasseeA: row.depasseeA,
    avertieA: row.avertieA,
    atteinteA: row.atteinteA,
  };
}

export function fromState(s: ClockState): Partial<SlaHorlogeRow> {
  return {
    etat: s.etat,
    cibleMinutes: s.cibleMinutes,
    seuilPct: s.seuilPct,
    consommeMinutes: s.consommeMinutes,
    segmentDepuis: s.segmentDepuis,
    echeance: s.echeance,
    avertissementA: s.avertissementA,
    generation: s.generation,
    depasseeA: s.depasseeA,
    avertieA: s.avertieA,
    atteinteA: s.atteinteA,
  };
}

function addArms(plan: TimerPlan, horlogeId: string, clock: SlaClock): void {
  const s = clock.state;
  if (s.etat !== 'running') return;
  if (s.avertissementA && !s.avertieA) plan.arm.push({ horlogeId, generation: s.generation, type: 'avertissement', at: s.avertissementA });
  if (s.echeance) plan.arm.push({ horlogeId, generation: s.generation, type: 'depassement', at: s.echeance });
}

function addDrops(plan: TimerPlan, horlogeId: string, generation: number): void {
  plan.drop.push({ horlogeId, generation, type: 'avertissement' }, { horlogeId, generation, type: 'depassement' });
}

export function mergePlans(...plans: TimerPlan[]): TimerPlan {
  return { arm: plans.flatMap((p) => p.arm), drop: plans.flatMap((p) => p.drop) };
}
