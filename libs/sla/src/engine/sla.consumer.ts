import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OutboxConsumer, OutboxEvent } from '@app/core';
import { BusinessCalendar } from '../calendar/business-calendar';
import type { BusinessCalendarSpec } from '../calendar/business-calendar.types';
import { emptyPlan, mergePlans, SlaEngine, TicketRef, TimerPlan } from './sla.engine';
import { SlaTimers } from './sla.timers';

interface TimelineRow {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, any>;
}

/**
 * Derives the SLA clocks of tickets from their timeline. Whatever event woke it, it applies
 * every event of that ticket after its cursor, in order, in the consumer's transaction; timers
 * are armed after commit.
 */
@Injectable()
export class SlaConsumer implements OutboxConsumer {
  readonly name = 'sla';
  private readonly logger = new Logger(SlaConsumer.name);

  constructor(
    private readonly engine: SlaEngine,
    private readonly timers: SlaTimers,
  ) {}

  handles(type: string): boolean {
    return type.startsWith('question.') || type.startsWith('commande.') || type.startsWith('affectation.') || type === 'sla.calendrier_modifie' || type === 'sla.politique_desactivee';
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<() => Promise<void>> {
    const plan =
      event.type === 'sla.politique_desactivee'
        ? await this.engine.annulerPolitique(manager, event.payload.politiqueId as string, new Date(event.payload.at as string))
        : event.type === 'sla.calendrier_modifie'
        ? await this.engine.replanifierCalendrier(
            manager,
            event.payload.calendrierId as string,
            new BusinessCalendar(event.payload.ancienneSpec as BusinessCalendarSpec),
            new Date(event.payload.at as string),
          )
        : await this.apply(manager, event.aggregateType === 'commande' ? 'commande' : 'question', event.aggregateId);
    return () => this.timers.apply(plan);
  }

  /** Applies the ticket's pending timeline events under its cursor's lock. */
  async apply(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string): Promise<TimerPlan> {
    await manager.query(
      `INSERT INTO sla_curseur (ticket_type, ticket_id, seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
      [ticketType, ticketId],
    );
    const [{ seq }] = await manager.query(`SELECT seq FROM sla_curseur WHERE ticket_type = $1 AND ticket_id = $2 FOR UPDATE`, [ticketType, ticketId]);
    const events: TimelineRow[] = await manager.query(
      `SELECT seq, type, at, data FROM timeline_event WHERE ticket_type = $1 AND ticket_id = $2 AND seq > $3 ORDER BY seq`,
      [ticketType, ticketId, seq],
    );
    if (events.length === 0) return emptyPlan();
    const plans: TimerPlan[] = [];
    const replayed = async (e: TimelineRow): Promise<TimerPlan | null> => {
      if (e.type !== 'sla.depassement' && e.type !== 'sla.avertissement') return null;
      // Our own fires, seen again on a rebuild: restore them rather than fire twice.
      return this.engine.rejouerDeclenchement(
        manager,
        { ticketType, ticketId, affectationId: e.data.affectationId ?? null },
        { horloge: e.data.horloge, cycle: e.data.cycle, type: e.type === 'sla.depassement' ? 'depassement' : 'avertissement', at: new Date(e.at) },
      );
    };
    if (ticketType === 'question') {
      const [question] = await manager.query(`SELECT maison_id, priorite, theme_id FROM question WHERE id = $1`, [ticketId]);
      for (const e of events) plans.push((await replayed(e)) ?? (await this.applyQuestionEvent(manager, { ticketType, ticketId }, question, e)));
    } else {
      for (const e of events) plans.push((await replayed(e)) ?? (await this.applyCommandeEvent(manager, ticketId, e)));
    }
    await manager.query(`UPDATE sla_curseur SET seq = $3 WHERE ticket_type = $1 AND ticket_id = $2`, [ticketType, ticketId, events[events.length - 1].seq]);
    return mergePlans(...plans);
  }

  /**
   * The commande flow's clocks, per assignment: the MdR's acknowledgement (business time on the
   * MdR's calendar, paused while it waits for a clarification) and the commande's deadline
   * (absolute), met by the delivery.
   */
  private async applyCommandeEvent(manager: EntityManager, commandeId: string, e: TimelineRow): Promise<TimerPlan> {
    const at = new Date(e.at);
    const ref = (affectationId: string): TicketRef => ({ ticketType: 'commande', ticketId: commandeId, affectationId });
    switch (e.type) {
      case 'commande.emise': {
        const plans: TimerPlan[] = [];
        for (const a of (e.data.affectations ?? []) as Array<{ affectationId: string; maisonId: string }>) {
          const holder = { type: 'maison' as const, id: a.maisonId };
          plans.push(
            await this.engine.demarrer(manager, ref(a.affectationId), 'accuse_reception', {
              at,
              flux: 'commande',
              priorite: null,
              directionId: null,
              themeId: e.data.themeId ?? null,
              holder,
            }),
          );
          if (e.data.echeance) plans.push(await this.engine.demarrerEcheance(manager, ref(a.affectationId), 'echeance_commande', at, new Date(e.data.echeance), holder));
        }
        return mergePlans(...plans);
      }
      case 'affectation.accusee':
        return this.engine.atteindre(manager, ref(e.data.affectationId), 'accuse_reception', at);
      case 'affectation.clarification_demandee':
        return this.engine.suspendre(manager, ref(e.data.affectationId), ['accuse_reception'], at);
      case 'affectation.clarification_apportee':
        return this.engine.reprendre(manager, ref(e.data.affectationId), ['accuse_reception'], at);
      case 'affectation.livree':
        return mergePlans(
          await this.engine.atteindre(manager, ref(e.data.affectationId), 'accuse_reception', at),
          await this.engine.atteindre(manager, ref(e.data.affectationId), 'echeance_commande', at),
        );
      case 'affectation.annulee':
        return this.engine.annuler(manager, ref(e.data.affectationId), ['accuse_reception', 'echeance_commande'], at);
      case 'commande.annulee': {
        const plans: TimerPlan[] = [];
        for (const a of (e.data.affectationsAnnulees ?? []) as Array<{ affectationId: string }>)
          plans.push(await this.engine.annuler(manager, ref(a.affectationId), ['accuse_reception', 'echeance_commande'], at));
        return mergePlans(...plans);
      }
      default:
        return emptyPlan();
    }
  }

  /** The question flow's clocks (DESIGN.md, SLA): what each event starts, meets, pauses or moves. */
  private async applyQuestionEvent(
    manager: EntityManager,
    ref: TicketRef,
    q: { maison_id: string; priorite: string; theme_id: string | null },
    e: TimelineRow,
  ): Promise<TimerPlan> {
    const at = new Date(e.at);
    const siege = (directionId: string | null) =>
      directionId ? ({ type: 'direction', id: directionId } as const) : ({ type: 'coordination', id: null } as const);
    const start = (directionId: string | null, holder: ReturnType<typeof siege> | { type: 'maison'; id: string }) => ({
      at,
      flux: 'question' as const,
      priorite: q.priorite,
      directionId,
      themeId: q.theme_id,
      holder,
    });
    switch (e.type) {
      case 'question.escaladee':
        return mergePlans(
          await this.engine.demarrer(manager, ref, 'prise_en_charge', start(e.data.directionId ?? null, siege(e.data.directionId ?? null))),
          await this.engine.demarrer(manager, ref, 'reponse', start(e.data.directionId ?? null, siege(e.data.directionId ?? null))),
        );
      case 'question.reorientee':
        return this.engine.changerDetenteur(manager, ref, siege(e.data.directionId ?? null), at);
      case 'question.prise_en_charge':
        return this.engine.atteindre(manager, ref, 'prise_en_charge', at);
      case 'question.information_demandee':
        return this.engine.suspendre(manager, ref, ['reponse'], at);
      case 'question.information_fournie':
        return this.engine.reprendre(manager, ref, ['reponse'], at);
      case 'question.repondue':
        return mergePlans(
          await this.engine.atteindre(manager, ref, 'prise_en_charge', at),
          await this.engine.atteindre(manager, ref, 'reponse', at),
          await this.engine.demarrer(manager, ref, 'relais', start(e.data.directionId ?? null, { type: 'maison', id: q.maison_id })),
        );
      case 'question.close':
        return mergePlans(
          await this.engine.atteindre(manager, ref, 'relais', at),
          await this.engine.annuler(manager, ref, ['prise_en_charge', 'reponse'], at),
        );
      case 'question.rouverte':
        return this.engine.annuler(manager, ref, ['prise_en_charge', 'reponse', 'relais'], at);
      default:
        return emptyPlan();
    }
  }
}
