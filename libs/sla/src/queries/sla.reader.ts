import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, isoSql } from '@app/core';
import { BusinessCalendar } from '../calendar/business-calendar';
import { ClockEtat, ClockState, SlaClock } from '../clocks/sla-clock';
import { CalendarRegistry } from '../engine/calendars';
import { SANS_AFFECTATION } from '../engine/sla.engine';

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

/** A holder of a clock, as the clocks' query aggregates them (JSON; dates as the API prints them). */
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
    // One statement of plain SQL (issue #17): each clock comes with its holders, aggregated
    // beside it with their dates already as the API prints them, and a plain mapper instead of
    // entities (a list reads a page's clocks on every request; hydrating cost more than the query).
    const rows: HorlogeLue[] = await manager.query(
      `SELECT DISTINCT ON (h.ticket_id, h.affectation_id, h.horloge, h.objet)
              h.id, h.ticket_id, h.affectation_id, h.horloge, h.objet, h.cycle, h.etat, h.cible_minutes, h.seuil_pct, h.consomme_minutes,
              h.segment_depuis, h.echeance, h.avertissement_a, h.generation, h.avertie_a, h.depassee_a, h.atteinte_a, h.calendrier_id,
              (SELECT coalesce(json_agg(json_build_object('type', d.detenteur_type, 'id', d.detenteur_id, 'minutes', d.minutes,
                                                          'depuis', ${isoSql('d.depuis')}, 'jusquA', ${isoSql('d.jusqu_a')}) ORDER BY d.depuis), '[]')
                 FROM sla_detention d WHERE d.horloge_id = h.id) AS detentions
         FROM sla_horloge h
        WHERE h.ticket_type = $1 AND h.ticket_id = ANY($2::uuid[])
        ORDER BY h.ticket_id, h.affectation_id, h.horloge, h.objet, h.cycle DESC`,
      [ticketType, ticketIds],
    );
    const now = this.clock.now();
    // A page's clocks use a handful of calendars: read each once, not once per clock.
    const calendars = new Map<string, Promise<BusinessCalendar>>();
    const calendarOf = (id: string) => calendars.get(id) ?? calendars.set(id, this.calendars.get(manager, id)).get(id)!;
    for (const row of rows) {
      const calendar = await calendarOf(row.calendrier_id);
      const remaining = SlaClock.from(clockStateOf(row)).remaining(now, calendar);
      out.get(row.ticket_id)!.push({
        horloge: row.horloge,
        cycle: row.cycle,
        affectationId: row.affectation_id === SANS_AFFECTATION ? null : row.affectation_id,
        livrableId: row.horloge === 'echeance_livrable' ? row.objet : null,
        etat: row.etat,
        echeance: row.echeance?.toISOString() ?? null,
        avertissementA: row.avertissement_a?.toISOString() ?? null,
        depasseeA: row.depassee_a?.toISOString() ?? null,
        atteinteA: row.atteinte_a?.toISOString() ?? null,
        cibleMinutesOuvrees: Number(row.cible_minutes),
        restantMinutesOuvrees: remaining === null ? null : Math.floor(remaining),
        detenteurs: row.detentions.map((d) => ({
          type: d.type,
          id: d.id,
          minutesOuvrees: d.minutes === null ? null : Math.round(Number(d.minutes)),
          depuis: d.depuis,
          jusquA: d.jusquA,
        })),
      });
    }
    return out;
  }
}

/** A clock row as `forTickets` reads it (snake_case columns, dates parsed by pg). */
interface HorlogeLue {
  id: string;
  ticket_id: string;
  affectation_id: string;
  horloge: string;
  objet: string;
  cycle: number;
  etat: ClockEtat;
  cible_minutes: number;
  seuil_pct: number;
  consomme_minutes: number;
  segment_depuis: Date | null;
  echeance: Date | null;
  avertissement_a: Date | null;
  generation: number;
  avertie_a: Date | null;
  depassee_a: Date | null;
  atteinte_a: Date | null;
  calendrier_id: string;
  detentions: Detention[];
}

/** The clock's state, as `toState` builds it from the entity. */
function clockStateOf(row: HorlogeLue): ClockState {
  return {
    etat: row.etat,
    cibleMinutes: Number(row.cible_minutes),
    seuilPct: row.seuil_pct,
    consommeMinutes: Number(row.consomme_minutes),
    segmentDepuis: row.segment_depuis,
    echeance: row.echeance,
    avertissementA: row.avertissement_a,
    generation: row.generation,
    depasseeA: row.depassee_a,
    avertieA: row.avertie_a,
    atteinteA: row.atteinte_a,
  };
}
