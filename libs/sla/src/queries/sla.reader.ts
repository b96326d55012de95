import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@app/core';
import { BusinessCalendar } from '../calendar/business-calendar';
import { SlaClock } from '../clocks/sla-clock';
import { CalendarRegistry } from '../engine/calendars';
import { SANS_AFFECTATION, toState } from '../engine/sla.engine';
import { SlaHorlogeRow } from '../persistence/sla.entities';

/** One clock as a ticket shows it (API.md: `sla: [{horloge, echeance, etat, restantMinutesOuvrees}]`). */
export interface SlaView {
  horloge: string;
  cycle: number;
  affectationId: string | null;
  /** The livrable an 'echeance_livrable' clock watches. */
  livrableId: string | null;
  etat: string;
  echeance: string | null;
  avertissementA: string | null;
  depasseeA: string | null;
  atteinteA: string | null;
  cibleMinutesOuvrees: number;
  /** Business minutes left (negative once late); null once met or cancelled. */
  restantMinutesOuvrees: number | null;
  /** Business minutes each holder kept the ticket while this clock ran. */
  detenteurs: Array<{ type: string; id: string | null; minutesOuvrees: number | null; depuis: string; jusquA: string | null }>;
}

/** A holder of a clock, as the clocks' query aggregates them (JSON: dates as text). */
interface Detention {
  type: string;
  id: string | null;
  minutes: number | string | null;
  depuis: string;
  jusquA: string | null;
}

/** The clocks of tickets, latest cycle of each kind, with what remains now. */
@Injectable()
export class SlaReader {
  constructor(
    private readonly calendars: CalendarRegistry,
    private readonly clock: Clock,
  ) {}

  async forTickets(db: EntityManager | DataSource, ticketType: 'question' | 'commande', ticketIds: string[]): Promise<Map<string, SlaView[]>> {
    const out = new Map<string, SlaView[]>(ticketIds.map((id) => [id, []]));
    if (ticketIds.length === 0) return out;
    const manager = db instanceof DataSource ? db.manager : db;
    // One statement (issue #17): each clock comes with its holders, aggregated beside it.
    const { entities: rows, raw } = await manager
      .getRepository(SlaHorlogeRow)
      .createQueryBuilder('h')
      .distinctOn(['h.ticket_id', 'h.affectation_id', 'h.horloge', 'h.objet'])
      .addSelect(
        `(SELECT coalesce(json_agg(json_build_object('type', d.detenteur_type, 'id', d.detenteur_id, 'minutes', d.minutes, 'depuis', d.depuis, 'jusquA', d.jusqu_a) ORDER BY d.depuis), '[]')
            FROM sla_detention d WHERE d.horloge_id = h.id)`,
        'detentions',
      )
      .where('h.ticket_type = :t AND h.ticket_id IN (:...ids)', { t: ticketType, ids: ticketIds })
      .orderBy('h.ticket_id')
      .addOrderBy('h.affectation_id')
      .addOrderBy('h.horloge')
      .addOrderBy('h.objet')
      .addOrderBy('h.cycle', 'DESC')
      .getRawAndEntities();
    const detentionsOf = new Map<string, Detention[]>(raw.map((r: { h_id: string; detentions: Detention[] }) => [r.h_id, r.detentions]));
    const now = this.clock.now();
    // A page's clocks use a handful of calendars: read each once, not once per clock.
    const calendars = new Map<string, Promise<BusinessCalendar>>();
    const calendarOf = (id: string) => calendars.get(id) ?? calendars.set(id, this.calendars.get(manager, id)).get(id)!;
    for (const row of rows) {
      const calendar = await calendarOf(row.calendrierId);
      const remaining = SlaClock.from(toState(row)).remaining(now, calendar);
      out.get(row.ticketId)!.push({
        horloge: row.horloge,
        cycle: row.cycle,
        affectationId: row.affectationId === SANS_AFFECTATION ? null : row.affectationId,
        livrableId: row.horloge === 'echeance_livrable' ? row.objet : null,
        etat: row.etat,
        echeance: row.echeance?.toISOString() ?? null,
        avertissementA: row.avertissementA?.toISOString() ?? null,
        depasseeA: row.depasseeA?.toISOString() ?? null,
        atteinteA: row.atteinteA?.toISOString() ?? null,
        cibleMinutesOuvrees: Number(row.cibleMinutes),
        restantMinutesOuvrees: remaining === null ? null : Math.floor(remaining),
        detenteurs: (detentionsOf.get(row.id) ?? []).map((d) => ({
          type: d.type,
          id: d.id,
          minutesOuvrees: d.minutes === null ? null : Math.round(Number(d.minutes)),
          depuis: new Date(d.depuis).toISOString(),
          jusquA: d.jusquA ? new Date(d.jusquA).toISOString() : null,
        })),
      });
    }
    return out;
  }
}
