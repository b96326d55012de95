import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { OutboxConsumer, OutboxEvent } from '@app/core';
import { BusinessCalendar } from '../calendar/business-calendar';
import type { BusinessCalendarSpec } from '../calendar/business-calendar.types';
import { emptyPlan, mergePlans, SlaEngine, TicketRef, TimerPlan } from './sla.engine';
import { SlaTimers } from './sla.timers';

export interface TimelineRow {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, any>;
}

/** The facts of a question its clocks need (start criteria, the MdR's calendar). */
export interface QuestionSla {
  maison_id: string;
  priorite: string;
  theme_id: string | null;
}

/**
 * What the caller of `apply` already holds, each saving a round trip (issue #17): the cursor it
 * locked (`lock`), the question's facts, and the events it has just appended after seq `apres`.
 * Those events stand for the pending ones only when nothing was pending before them (`apres` is
 * the cursor); otherwise they are read.
 */
export interface EnMain {
  seq?: number;
  question?: QuestionSla;
  ecrits?: { apres: number; events: TimelineRow[] };
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
            event.payload.remplace ? (event.payload.maisonId as string) : null,
          )
        : await this.apply(manager, event.aggregateType === 'commande' ? 'commande' : 'question', event.aggregateId);
    return () => this.timers.apply(plan);
  }

  /**
   * Takes, in the caller's transaction, the locks that deriving a ticket's clocks needs, in the
   * one order every writer of clocks follows: the ticket's cursor, then all its clock rows by
   * id, and only after them (the caller's business) the ticket row. A timer fire locks clock
   * rows by id and then the ticket row; a request that changes a ticket takes these locks
   * before its ticket row, so neither can hold what the other waits for. Returns the cursor.
   */
  async lock(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string): Promise<number> {
    // One statement creates the cursor if needed and locks it (a no-op update takes the row lock).
    const [{ seq }] = await manager.query(
      `INSERT INTO sla_curseur (ticket_type, ticket_id, seq) VALUES ($1, $2, 0)
       ON CONFLICT (ticket_type, ticket_id) DO UPDATE SET seq = sla_curseur.seq RETURNING seq`,
      [ticketType, ticketId],
    );
    // Read with their open holdings and calendars' versions: the derivation reads none again (issue #17).
    await this.engine.verrouiller(manager, ticketType, ticketId);
    return seq;
  }

  /**
   * Applies the ticket's pending timeline events under its cursor's lock. The request that
   * changed the ticket usually did it already (SlaInRequest), in its own transaction: the
   * consumer then finds nothing new and is only the safety net.
   */
  async apply(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string, enMain: EnMain = {}): Promise<TimerPlan> {
    try {
      return await this.applyLocked(manager, ticketType, ticketId, enMain);
    } finally {
      // What the engine kept of the locked rows lives no longer than the derivation (on a failure,
      // the caller rolls its writes back: the rows kept would be wrong).
      this.engine.relacher(manager);
    }
  }

  private async applyLocked(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string, enMain: EnMain): Promise<TimerPlan> {
    const seq = enMain.seq ?? (await this.lock(manager, ticketType, ticketId));
    const events: TimelineRow[] =
      enMain.ecrits?.apres === seq
        ? enMain.ecrits.events
        : await manager.query(`SELECT seq, type, at, data FROM timeline_event WHERE ticket_type = $1 AND ticket_id = $2 AND seq > $3 ORDER BY seq`, [
            ticketType,
            ticketId,
            seq,
          ]);
    if (events.length === 0) return emptyPlan();
    // Most events write a clock: the cursor's move rides along the next such write; else it is written at the end.
    const avance = this.engine.avancerCurseur(manager, ticketType, ticketId, events[events.length - 1].seq);
    const plans: TimerPlan[] = [];
    const replayed = async (e: TimelineRow): Promise<TimerPlan | null> => {
      if (e.type !== 'sla.depassement' && e.type !== 'sla.avertissement') return null;
      // Our own fires, seen again on a rebuild: restore them rather than fire twice.
      return this.engine.rejouerDeclenchement(
        manager,
        { ticketType, ticketId, affectationId: e.data.affectationId ?? null, objet: e.data.livrableId ?? '' },
        { horloge: e.data.horloge, cycle: e.data.cycle, type: e.type === 'sla.depassement' ? 'depassement' : 'avertissement', at: new Date(e.at) },
      );
    };
    if (ticketType === 'question') {
      const question: QuestionSla = enMain.question ?? (await manager.query(`SELECT maison_id, priorite, theme_id FROM question WHERE id = $1`, [ticketId]))[0];
      for (const e of events) plans.push((await replayed(e)) ?? (await this.applyQuestionEvent(manager, { ticketType, ticketId }, question, e)));
    } else {
      for (const e of events) plans.push((await replayed(e)) ?? (await this.applyCommandeEvent(manager, ticketId, e)));
    }
    if (avance) await this.engine.ecrireEnAttente(manager);
    else await manager.query(`UPDATE sla_curseur SET seq = $3 WHERE ticket_type = $1 AND ticket_id = $2`, [ticketType, ticketId, events[events.length - 1].seq]);
    return mergePlans(...plans);
  }

  /**
   * The commande flow's clocks, per assignment: the MdR's acknowledgement (business time on the
   * MdR's calendar, paused while it waits for a clarification), the commande's deadline and each
   * livrable's (absolute), met by the delivery; a livrable's also when the MdR marks it done.
   * A delivery sent back reopens the deadlines not yet met by the work that stays accepted.
   */
  private async applyCommandeEvent(manager: EntityManager, commandeId: string, e: TimelineRow): Promise<TimerPlan> {
    const at = new Date(e.at);
    const ref = (affectationId: string, objet?: string): TicketRef => ({ ticketType: 'commande', ticketId: commandeId, affectationId, objet });
    const TOUTES = ['accuse_reception', 'echeance_commande', 'echeance_livrable'] as const;
    switch (e.type) {
      case 'commande.emise': {
        const plans: TimerPlan[] = [];
        const livrables = (e.data.livrables ?? []) as Array<{ id: string; echeance: string | null }>;
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
          for (const l of livrables.filter((l) => l.echeance))
            plans.push(await this.engine.demarrerEcheance(manager, ref(a.affectationId, l.id), 'echeance_livrable', at, new Date(l.echeance!), holder));
        }
        return mergePlans(...plans);
      }
      case 'affectation.accusee':
        return this.engine.atteindre(manager, ref(e.data.affectationId), 'accuse_reception', at);
      case 'affectation.clarification_demandee':
        return this.engine.suspendre(manager, ref(e.data.affectationId), ['accuse_reception'], at);
      case 'affectation.clarification_apportee':
        return this.engine.reprendre(manager, ref(e.data.affectationId), ['accuse_reception'], at);
      case 'affectation.avancement_signale':
        return this.livrablesFaits(manager, commandeId, e.data.affectationId, (e.data.livrablesFaits ?? []) as string[], at);
      case 'affectation.livree':
        return mergePlans(
          await this.engine.atteindre(manager, ref(e.data.affectationId), 'accuse_reception', at),
          await this.engine.atteindre(manager, ref(e.data.affectationId), 'echeance_commande', at),
          await this.engine.atteindre(manager, ref(e.data.affectationId), 'echeance_livrable', at),
        );
      case 'affectation.renvoyee': {
        const [affectation] = await manager.query(`SELECT livrables_faits FROM affectation WHERE id = $1`, [e.data.affectationId]);
        return this.rouvrirEcheances(manager, commandeId, e.data.affectationId, (affectation?.livrables_faits ?? []) as string[], at, true);
      }
      case 'affectation.annulee':
        return this.engine.annuler(manager, ref(e.data.affectationId), [...TOUTES], at);
      case 'commande.annulee': {
        const plans: TimerPlan[] = [];
        for (const a of (e.data.affectationsAnnulees ?? []) as Array<{ affectationId: string }>)
          plans.push(await this.engine.annuler(manager, ref(a.affectationId), [...TOUTES], at));
        return mergePlans(...plans);
      }
      default:
        return emptyPlan();
    }
  }

  /**
   * A progress report lists the livrables done: their clocks are met; one unmarked since (a
   * mistake corrected) gets its deadline clock back.
   */
  private async livrablesFaits(manager: EntityManager, commandeId: string, affectationId: string, faits: string[], at: Date): Promise<TimerPlan> {
    const plans: TimerPlan[] = [];
    for (const id of faits)
      plans.push(await this.engine.atteindre(manager, { ticketType: 'commande', ticketId: commandeId, affectationId, objet: id }, 'echeance_livrable', at));
    plans.push(await this.rouvrirEcheances(manager, commandeId, affectationId, faits, at, false));
    return mergePlans(...plans);
  }

  /**
   * Restarts, on their original absolute deadline, the met clocks of livrables not in `faits`
   * (and the commande's deadline when `commandeAussi`). A deadline already past breaches at once:
   * the work is late again.
   */
  private async rouvrirEcheances(manager: EntityManager, commandeId: string, affectationId: string, faits: string[], at: Date, commandeAussi: boolean): Promise<TimerPlan> {
    const [c] = await manager.query(
      `SELECT c.echeance, c.livrables, a.maison_id FROM commande c JOIN affectation a ON a.commande_id = c.id WHERE c.id = $1 AND a.id = $2`,
      [commandeId, affectationId],
    );
    if (!c) return emptyPlan();
    const holder = { type: 'maison' as const, id: c.maison_id as string };
    const met: Array<{ horloge: string; objet: string }> = await manager.query(
      `SELECT DISTINCT ON (horloge, objet) horloge, objet, etat FROM sla_horloge
        WHERE ticket_type = 'commande' AND ticket_id = $1 AND affectation_id = $2 AND horloge IN ('echeance_commande', 'echeance_livrable')
        ORDER BY horloge, objet, cycle DESC`,
      [commandeId, affectationId],
    ).then((rows: Array<{ horloge: string; objet: string; etat: string }>) => rows.filter((r) => r.etat === 'met'));
    const plans: TimerPlan[] = [];
    for (const m of met) {
      const ref: TicketRef = { ticketType: 'commande', ticketId: commandeId, affectationId, objet: m.objet };
      if (m.horloge === 'echeance_commande' && commandeAussi && c.echeance)
        plans.push(await this.engine.demarrerEcheance(manager, ref, 'echeance_commande', at, new Date(c.echeance), holder));
      const livrable = (c.livrables as Array<{ id: string; echeance: string | null }>).find((l) => l.id === m.objet);
      if (m.horloge === 'echeance_livrable' && livrable?.echeance && !faits.includes(livrable.id))
        plans.push(await this.engine.demarrerEcheance(manager, ref, 'echeance_livrable', at, new Date(livrable.echeance), holder));
    }
    return mergePlans(...plans);
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
