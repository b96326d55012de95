import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { BusinessCalendar } from '../calendar/business-calendar';
import { ClockState, SlaClock } from '../clocks/sla-clock';
import { Horloge, SlaCalendrierRow, SlaDetentionRow, SlaHorlogeRow } from '../persistence/sla.entities';
import { CALENDRIER_PERMANENT, CALENDRIER_RESEAU, CalendarRegistry, Holder } from './calendars';
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
  /** The livrable of an 'echeance_livrable' clock; left out, an operation applies to every objet. */
  objet?: string;
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
const OPEN = new Set(['running', 'paused', 'breached']);

/**
 * A ticket's clock rows as its transaction locked them, with each clock's open holdings
 * (issue #17): while the transaction holds them nobody else changes them, so the engine reads
 * them from here rather than selecting them again, and keeps them in step with what it writes.
 */
interface Verrou {
  ticketType: string;
  ticketId: string;
  rows: SlaHorlogeRow[];
  ouvertes: Map<string, Array<{ id: string; depuis: Date }>>;
  /** The cursor's new position, written by the next write to a clock (`avancerCurseur`). */
  curseur: number | null;
  /** Holdings closed (`closeDetention`), written by the next write to a clock, as the cursor. */
  fermetures: Array<{ id: string; at: Date; minutes: number }>;
}

/**
 * Clock operations, in the caller's transaction, on locked rows. Each returns the timers to arm
 * or drop after commit; the rows stay the truth and the reconciler repairs any timer lost.
 */
@Injectable()
export class SlaEngine {
  /** Per transaction (its query runner): the ticket whose clocks it locked (`verrouiller`), until `relacher`. */
  private readonly verrous = new WeakMap<object, Verrou>();

  constructor(readonly calendars: CalendarRegistry) {}

  /**
   * Locks all the clock rows of a ticket, by id, and reads them with their open holdings and
   * their calendars' versions (a cached calendar of that version is not read again): one
   * statement, after which the engine's operations on that ticket in this transaction read no
   * clock row or holding again, until `relacher`. The caller holds the ticket's cursor.
   */
  async verrouiller(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string): Promise<void> {
    const { entities, raw } = await manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .leftJoin(SlaCalendrierRow, 'c', 'c.id = h.calendrier_id')
      .addSelect('c.version', 'calendrier_version')
      .addSelect(
        `(SELECT coalesce(json_agg(json_build_object('id', d.id, 'depuis', d.depuis)), '[]'::json) FROM sla_detention d WHERE d.horloge_id = h.id AND d.jusqu_a IS NULL)`,
        'ouvertes',
      )
      .where('h.ticket_type = :t AND h.ticket_id = :id', { t: ticketType, id: ticketId })
      .orderBy('h.id')
      .setLock('pessimistic_write', undefined, ['h'])
      .getRawAndEntities();
    const byId = new Map<string, { calendrier_version: number | null; ouvertes: Array<{ id: string; depuis: string }> }>(raw.map((r) => [r.h_id, r]));
    this.calendars.known(manager, entities.map((h) => ({ id: h.calendrierId, version: byId.get(h.id)?.calendrier_version ?? null })));
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return;
    const ouvertes = new Map(entities.map((h) => [h.id, (byId.get(h.id)?.ouvertes ?? []).map((d) => ({ id: d.id, depuis: new Date(d.depuis) }))]));
    this.verrous.set(runner, { ticketType, ticketId, rows: entities, ouvertes, curseur: null, fermetures: [] });
  }

  /**
   * Moves the locked ticket's cursor to `seq` by the next write to one of its clocks, as a CTE
   * of that statement (issue #17: one round trip less per transition); returns false when this
   * transaction keeps no locked rows for the ticket, and the caller writes it. `ecrireEnAttente`
   * writes what no clock write took.
   */
  avancerCurseur(manager: EntityManager, ticketType: 'question' | 'commande', ticketId: string, seq: number): boolean {
    const v = this.tenu(manager, { ticketType, ticketId });
    if (!v) return false;
    v.curseur = seq;
    return true;
  }

  /** Writes, in one statement, what is waiting for a clock write that did not come. */
  async ecrireEnAttente(manager: EntityManager): Promise<void> {
    const { cte, params } = this.enAttente(manager, 1);
    if (cte) await manager.query(`WITH ${cte.slice(0, -2)} SELECT 1`, params);
  }

  /**
   * The CTEs of the writes waiting (the cursor's move, holdings closed), to ride along a write to
   * a clock, their parameters numbered from `from`; they count as written from then on.
   */
  private enAttente(manager: EntityManager, from: number): { cte: string; params: unknown[] } {
    const v = this.verrou(manager);
    if (!v) return { cte: '', params: [] };
    let cte = '';
    const params: unknown[] = [];
    const $ = (value: unknown) => `$${from + params.push(value) - 1}`;
    if (v.curseur !== null) cte += `curseur AS (UPDATE sla_curseur SET seq = ${$(v.curseur)} WHERE ticket_type = ${$(v.ticketType)} AND ticket_id = ${$(v.ticketId)}), `;
    v.fermetures.forEach((f, i) => {
      cte += `fermeture_${i} AS (UPDATE sla_detention SET jusqu_a = ${$(f.at)}::timestamptz, minutes = ${$(f.minutes)}::float8 WHERE id = ${$(f.id)}::uuid), `;
    });
    v.curseur = null;
    v.fermetures = [];
    return { cte, params };
  }

  /** Ends what `verrouiller` kept: later operations in the transaction read the rows again. */
  relacher(manager: EntityManager): void {
    if (manager.queryRunner) this.verrous.delete(manager.queryRunner);
  }

  private verrou(manager: EntityManager): Verrou | null {
    const runner = manager.queryRunner;
    return runner?.isTransactionActive ? this.verrous.get(runner) ?? null : null;
  }

  /** The rows kept for this ticket, if this transaction locked it. */
  private tenu(manager: EntityManager, ref: TicketRef): Verrou | null {
    const v = this.verrou(manager);
    return v && v.ticketType === ref.ticketType && v.ticketId === ref.ticketId ? v : null;
  }

  /**
   * Starts a clock unless one of that kind is already open on the ticket (a replayed event
   * changes nothing). After a met or cancelled one, it opens the next cycle: a reopened
   * question gets a fresh clock instead of breaching at once. Without a policy, no clock.
   */
  async demarrer(manager: EntityManager, ref: TicketRef, horloge: Horloge, ctx: StartContext): Promise<TimerPlan> {
    const cycle = await this.nextCycle(manager, ref, horloge);
    if (cycle === null) return emptyPlan();
    const politique = await choisirPolitique(manager, { flux: ctx.flux, horloge, priorite: ctx.priorite, directionId: ctx.directionId, themeId: ctx.themeId });
    if (!politique) return emptyPlan();
    const { id: calendrierId, calendar } = await this.calendars.forHolder(manager, ctx.holder);
    const clock = SlaClock.start(ctx.at, politique.cibleMinutes, politique.seuilPct, calendar);
    return this.insert(manager, ref, horloge, cycle, clock, { politiqueId: politique.id, politiqueVersion: politique.version, calendrierId }, ctx.holder, ctx.at);
  }

  /**
   * A clock on an absolute deadline (a commande's échéance): wall-clock time, no policy; its
   * warning at 75 % of the time from start to deadline. A deadline already past breaches at once.
   */
  async demarrerEcheance(manager: EntityManager, ref: TicketRef, horloge: Horloge, at: Date, echeance: Date, holder: Holder): Promise<TimerPlan> {
    const cycle = await this.nextCycle(manager, ref, horloge);
    if (cycle === null) return emptyPlan();
    const calendar = await this.calendars.get(manager, CALENDRIER_PERMANENT);
    const clock = SlaClock.start(at, Math.max(0, (echeance.getTime() - at.getTime()) / 60_000), 75, calendar);
    return this.insert(manager, ref, horloge, cycle, clock, { politiqueId: null, politiqueVersion: null, calendrierId: CALENDRIER_PERMANENT }, holder, at);
  }

  /**
   * The cycle a new clock of that kind would open, or null while one is still open (a replayed
   * event changes nothing); after a met or cancelled one, the next cycle.
   */
  private async nextCycle(manager: EntityManager, ref: TicketRef, horloge: Horloge): Promise<number | null> {
    const v = this.tenu(manager, ref);
    const affectationId = ref.affectationId ?? SANS_AFFECTATION;
    const [last] = v
      ? v.rows
          .filter((r) => r.affectationId === affectationId && r.horloge === horloge && r.objet === (ref.objet ?? ''))
          .sort((a, b) => b.cycle - a.cycle)
      : await manager.query(
      `SELECT etat, cycle FROM sla_horloge WHERE ticket_type = $1 AND ticket_id = $2 AND affectation_id = $3 AND horloge = $4 AND objet = $5
        ORDER BY cycle DESC LIMIT 1 FOR UPDATE`,
          [ref.ticketType, ref.ticketId, affectationId, horloge, ref.objet ?? ''],
        );
    if (last && !FINAL.has(last.etat)) return null;
    return (last?.cycle ?? 0) + 1;
  }

  /** Writes a started clock and its first holder; returns its timers. */
  private async insert(
    manager: EntityManager,
    ref: TicketRef,
    horloge: Horloge,
    cycle: number,
    clock: SlaClock,
    origin: Pick<SlaHorlogeRow, 'politiqueId' | 'politiqueVersion' | 'calendrierId'>,
    holder: Holder,
    at: Date,
  ): Promise<TimerPlan> {
    const id = randomUUID();
    // One statement for the clock and its first holder (issue #17); the detention's foreign key
    // is checked at the end of the statement, once the clock row is there.
    const attente = this.enAttente(manager, 25);
    const [detention]: Array<{ id: string }> = await manager.query(
      `WITH ${attente.cte}h AS (
         INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, objet, cycle, politique_id, politique_version, calendrier_id,
                                  demarree_a, version, etat, cible_minutes, seuil_pct, consomme_minutes, segment_depuis, echeance, avertissement_a,
                                  generation, depassee_a, avertie_a, atteinte_a)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         RETURNING id)
       INSERT INTO sla_detention (horloge_id, detenteur_type, detenteur_id, depuis) SELECT id, $23::varchar, $24::uuid, $11::timestamptz FROM h RETURNING id`,
      [
        id,
        ref.ticketType,
        ref.ticketId,
        ref.affectationId ?? SANS_AFFECTATION,
        horloge,
        ref.objet ?? '',
        cycle,
        origin.politiqueId,
        origin.politiqueVersion,
        origin.calendrierId,
        at,
        ...stateParams(clock.state),
        holder.type,
        holder.id,
        ...attente.params,
      ],
    );
    const v = this.tenu(manager, ref);
    if (v) {
      const row = Object.assign(new SlaHorlogeRow(), {
        id,
        ticketType: ref.ticketType,
        ticketId: ref.ticketId,
        affectationId: ref.affectationId ?? SANS_AFFECTATION,
        horloge,
        objet: ref.objet ?? '',
        cycle,
        ...origin,
        demarreeA: at,
        version: 1,
        ...fromState(clock.state),
      });
      v.rows.push(row);
      v.ouvertes.set(id, [{ id: detention.id, depuis: at }]);
    }
    const plan = emptyPlan();
    addArms(plan, id, clock);
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
      const { identifiers } = await manager.getRepository(SlaDetentionRow).insert({ horlogeId: row.id, detenteurType: holder.type, detenteurId: holder.id, depuis: at });
      this.tenu(manager, ref)?.ouvertes.set(row.id, [{ id: identifiers[0].id as string, depuis: at }]);
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
   * time consumed on the old calendar and plans the rest on the new one. An MdR's first calendar
   * of its own (`adoptePar`) takes over that MdR's running and paused clocks from the network's
   * (a breached clock stays where it is: it is already late).
   */
  async replanifierCalendrier(manager: EntityManager, calendrierId: string, ancien: BusinessCalendar, at: Date, adoptePar: string | null = null): Promise<TimerPlan> {
    const plan = emptyPlan();
    const nouveau = await this.calendars.get(manager, calendrierId);
    const qb = manager.getRepository(SlaHorlogeRow).createQueryBuilder('h').setLock('pessimistic_write', undefined, ['h']);
    if (adoptePar)
      qb.innerJoin(SlaDetentionRow, 'd', `d.horloge_id = h.id AND d.jusqu_a IS NULL AND d.detenteur_type = 'maison' AND d.detenteur_id = :maisonId`, { maisonId: adoptePar })
        .where(`h.calendrier_id = :reseau AND h.etat IN ('running', 'paused')`, { reseau: CALENDRIER_RESEAU });
    else qb.where(`h.calendrier_id = :calendrierId AND h.etat = 'running'`, { calendrierId });
    // By id, as every locker of many clock rows (timer fires, requests): no lock cycle between them.
    qb.orderBy('h.id');
    for (const row of await qb.getMany()) {
      const clock = SlaClock.from(toState(row));
      const before = clock.state.generation;
      clock.reschedule(at, ancien, nouveau);
      await this.save(manager, row, clock, { calendrierId });
      if (clock.state.generation === before) continue;
      addDrops(plan, row.id, before);
      addArms(plan, row.id, clock);
    }
    return plan;
  }

  /**
   * Replays a fired warning or breach recorded on the timeline (a rebuild): the clock of that
   * kind and cycle takes the state it had, and its fired key is recorded, so nothing fires twice.
   */
  async rejouerDeclenchement(
    manager: EntityManager,
    ref: TicketRef,
    fired: { horloge: Horloge; cycle: number; type: TimerType; at: Date },
  ): Promise<TimerPlan> {
    const plan = emptyPlan();
    const [row] = await manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .setLock('pessimistic_write')
      .where('h.ticket_type = :t AND h.ticket_id = :id AND h.affectation_id = :a AND h.horloge = :horloge AND h.objet = :objet AND h.cycle = :cycle', {
        t: ref.ticketType,
        id: ref.ticketId,
        a: ref.affectationId ?? SANS_AFFECTATION,
        horloge: fired.horloge,
        objet: ref.objet ?? '',
        cycle: fired.cycle,
      })
      .getMany();
    if (!row) return plan;
    const clock = SlaClock.from(toState(row));
    const generation = clock.state.generation;
    const applied = fired.type === 'depassement' ? clock.breach(fired.at, generation) : clock.warn(fired.at, generation);
    if (!applied) return plan;
    await manager.query(
      `INSERT INTO sla_declenchement (horloge_id, generation, type, at, retard_ms) VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING`,
      [row.id, generation, fired.type, fired.at],
    );
    await this.save(manager, row, clock);
    if (fired.type === 'depassement') addDrops(plan, row.id, generation);
    return plan;
  }

  /** A policy was switched off: its open clocks are cancelled and their timers dropped. */
  async annulerPolitique(manager: EntityManager, politiqueId: string, at: Date): Promise<TimerPlan> {
    const plan = emptyPlan();
    const rows = await manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .setLock('pessimistic_write')
      .where(`h.politique_id = :politiqueId AND h.etat IN ('running', 'paused', 'breached')`, { politiqueId })
      .orderBy('h.id')
      .getMany();
    for (const row of rows) {
      const calendar = await this.calendars.get(manager, row.calendrierId);
      const clock = SlaClock.from(toState(row));
      const before = clock.state.generation;
      if (!clock.cancel()) continue;
      await this.closeDetention(manager, row.id, at, calendar);
      await this.save(manager, row, clock);
      addDrops(plan, row.id, before);
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
    const v = this.tenu(manager, ref);
    if (v) {
      const affectationId = ref.affectationId ?? SANS_AFFECTATION;
      const key = (r: SlaHorlogeRow): [string, string, number] => [r.horloge, r.objet, r.cycle];
      return v.rows
        .filter((r) => r.affectationId === affectationId && OPEN.has(r.etat) && (!horloges || horloges.includes(r.horloge)) && (ref.objet === undefined || r.objet === ref.objet))
        .sort((a, b) => compareKeys(key(a), key(b)));
    }
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
      .addOrderBy('h.objet')
      .addOrderBy('h.cycle');
    if (horloges) qb.andWhere('h.horloge IN (:...horloges)', { horloges });
    if (ref.objet !== undefined) qb.andWhere('h.objet = :objet', { objet: ref.objet });
    return qb.getMany();
  }

  private async closeDetention(manager: EntityManager, horlogeId: string, at: Date, calendar: BusinessCalendar): Promise<void> {
    const v = this.verrou(manager);
    const kept = v?.ouvertes.get(horlogeId);
    if (v && kept) {
      // The clock's own write follows (every caller saves the clock next): the closing rides along it.
      for (const d of kept) v.fermetures.push({ id: d.id, at, minutes: calendar.businessMinutesBetween(d.depuis, at) });
      v.ouvertes.set(horlogeId, []);
      return;
    }
    const rows: Array<{ id: string; depuis: Date }> = await manager.query(`SELECT id, depuis FROM sla_detention WHERE horloge_id = $1 AND jusqu_a IS NULL`, [
      horlogeId,
    ]);
    for (const d of rows) {
      const minutes = calendar.businessMinutesBetween(new Date(d.depuis), at);
      await manager.query(`UPDATE sla_detention SET jusqu_a = $2, minutes = $3 WHERE id = $1`, [d.id, at, minutes]);
    }
  }

  private async save(manager: EntityManager, row: SlaHorlogeRow, clock: SlaClock, extra: { calendrierId?: string } = {}): Promise<void> {
    const changes = { ...fromState(clock.state), calendrierId: row.calendrierId, ...extra, version: row.version + 1 };
    const attente = this.enAttente(manager, 15);
    // Raw SQL: what waits (the cursor's move, holdings closed) rides along as CTEs.
    await manager.query(
      `${attente.cte ? `WITH ${attente.cte.slice(0, -2)} ` : ''}UPDATE sla_horloge
          SET etat = $2, cible_minutes = $3, seuil_pct = $4, consomme_minutes = $5, segment_depuis = $6, echeance = $7, avertissement_a = $8,
              generation = $9, depassee_a = $10, avertie_a = $11, atteinte_a = $12, calendrier_id = $13, version = $14
        WHERE id = $1`,
      [
        row.id,
        ...stateParams(clock.state),
        changes.calendrierId,
        changes.version,
        ...attente.params,
      ],
    );
    const kept = this.verrou(manager)?.rows.find((r) => r.id === row.id);
    if (kept) Object.assign(kept, changes);
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

/**
 * A clock's state as the parameters of the raw INSERT and UPDATE of sla_horloge, in this order:
 * etat, cible_minutes, seuil_pct, consomme_minutes, segment_depuis, echeance, avertissement_a,
 * generation, depassee_a, avertie_a, atteinte_a.
 */
function stateParams(s: ClockState): unknown[] {
  return [s.etat, s.cibleMinutes, s.seuilPct, s.consommeMinutes, s.segmentDepuis, s.echeance, s.avertissementA, s.generation, s.depasseeA, s.avertieA, s.atteinteA];
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

/** The timers a clock needs now (a running clock: its warning, unless sent, and its breach). Exported for the Redis sizing bench. */
export function addArms(plan: TimerPlan, horlogeId: string, clock: SlaClock): void {
  const s = clock.state;
  if (s.etat !== 'running') return;
  if (s.avertissementA && !s.avertieA) plan.arm.push({ horlogeId, generation: s.generation, type: 'avertissement', at: s.avertissementA });
  if (s.echeance) plan.arm.push({ horlogeId, generation: s.generation, type: 'depassement', at: s.echeance });
}

function addDrops(plan: TimerPlan, horlogeId: string, generation: number): void {
  plan.drop.push({ horlogeId, generation, type: 'avertissement' }, { horlogeId, generation, type: 'depassement' });
}

function compareKeys(a: Array<string | number>, b: Array<string | number>): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function mergePlans(...plans: TimerPlan[]): TimerPlan {
  return { arm: plans.flatMap((p) => p.arm), drop: plans.flatMap((p) => p.drop) };
}
