import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@app/core';
import { BusinessCalendar, CalendarRegistry, CALENDRIER_RESEAU, SANS_AFFECTATION } from '@app/sla';
import { lendemain, veille } from '../dates';
import { classeDe, COLONNES_CLASSES, NB_CLASSES } from '../histogram';

/** The clocks whose holders' time the dashboard attributes: one per stretch of a ticket's life, so nothing counts twice. */
const HORLOGES_DETENTION = new Set(['reponse', 'relais', 'accuse_reception']);

interface FaitHorloge {
  flux: 'question' | 'commande';
  horloge: string;
  jour: string;
  maison_id: string;
  direction_id: string | null;
  referent_id: string | null;
  calendrier_id: string;
  demarree_a: Date;
  atteinte_a: Date;
  consomme_minutes: number;
  depassee_a: Date | null;
  det_maison: number | null;
  det_siege: number | null;
}

type Ligne = Record<string, number | string>;

/**
 * Rebuilds tdb_sla_jour for whole local days (Europe/Paris) from the clocks met on them:
 * delete the days' rows and insert them again, in one transaction under an advisory lock, so a
 * refresh is idempotent and two workers never interleave. What a day holds only changes when a
 * clock is met that day, so the worker refreshes yesterday and today (ADR 0007).
 */
@Injectable()
export class SlaRollup {
  private readonly logger = new Logger(SlaRollup.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarRegistry,
    private readonly clock: Clock,
  ) {}

  /** The periodic refresh: yesterday and today, network time. */
  async rafraichir(): Promise<{ jours: number; lignes: number }> {
    const reseau = await this.calendars.get(this.dataSource.manager, CALENDRIER_RESEAU);
    const now = this.clock.now();
    const today = reseau.localDay(now);
    return this.recalculer([veille(today), today]);
  }

  /** Every day that has a met clock, month by month (after a bulk load or `sla:rebuild`). */
  async reconstruire(): Promise<{ jours: number; lignes: number }> {
    const [{ premier }] = await this.dataSource.query(`SELECT min(atteinte_a) AS premier FROM sla_horloge WHERE etat = 'met'`);
    await this.dataSource.query(`DELETE FROM tdb_sla_jour`);
    if (!premier) return this.marquer(0, 0);
    const reseau = await this.calendars.get(this.dataSource.manager, CALENDRIER_RESEAU);
    const fin = reseau.localDay(this.clock.now());
    let total = { jours: 0, lignes: 0 };
    for (let debut = reseau.localDay(new Date(premier)); debut <= fin; ) {
      const jours: string[] = [];
      for (let d = debut; d <= fin && jours.length < 14; d = lendemain(d)) jours.push(d);
      const r = await this.recalculer(jours);
      total = { jours: total.jours + r.jours, lignes: total.lignes + r.lignes };
      debut = lendemain(jours[jours.length - 1]);
    }
    this.logger.log(total, 'dashboard read model rebuilt');
    return total;
  }

  /** Recomputes these local days ('yyyy-mm-dd'). */
  recalculer(jours: string[]): Promise<{ jours: number; lignes: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tdb_sla_jour'))`);
      const faits: FaitHorloge[] = await manager.query(
        `SELECT h.ticket_type AS flux, h.horloge, (h.atteinte_a AT TIME ZONE 'Europe/Paris')::date::text AS jour,
                COALESCE(q.maison_id, a.maison_id) AS maison_id,
                COALESCE(q.direction_id, c.emetteur_unite_id) AS direction_id,
                q.referent_id, h.calendrier_id, h.demarree_a, h.atteinte_a, h.consomme_minutes, h.depassee_a,
                d.det_maison, d.det_siege
           FROM sla_horloge h
           LEFT JOIN question q ON h.ticket_type = 'question' AND q.id = h.ticket_id
           LEFT JOIN affectation a ON h.ticket_type = 'commande' AND a.id = h.affectation_id
           LEFT JOIN commande c ON c.id = a.commande_id
           LEFT JOIN LATERAL (
             SELECT sum(minutes) FILTER (WHERE detenteur_type = 'maison') AS det_maison,
                    sum(minutes) FILTER (WHERE detenteur_type IN ('direction', 'coordination')) AS det_siege
               FROM sla_detention WHERE horloge_id = h.id) d ON h.horloge IN ('reponse', 'relais', 'accuse_reception')
          WHERE h.etat = 'met'
            AND h.atteinte_a >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')
            AND h.atteinte_a < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')
            AND (h.atteinte_a AT TIME ZONE 'Europe/Paris')::date = ANY($3::date[])`,
        [jours.reduce((a, b) => (a < b ? a : b)), jours.reduce((a, b) => (a > b ? a : b)), jours],
      );
      const lignes = new Map<string, Ligne>();
      const calendars = new Map<string, Promise<BusinessCalendar>>();
      const calendarOf = (id: string) => calendars.get(id) ?? calendars.set(id, this.calendars.get(manager, id)).get(id)!;
      for (const f of faits) {
        if (!f.maison_id) continue; // a clock whose ticket is gone: nothing to attribute it to
        const direction = f.direction_id ?? SANS_AFFECTATION;
        const referent = f.referent_id ?? SANS_AFFECTATION;
        const key = `${f.flux}|${f.jour}|${f.maison_id}|${direction}|${referent}|${f.horloge}`;
        let l = lignes.get(key);
        if (!l) {
          l = {
            flux: f.flux,
            jour: f.jour,
            maison_id: f.maison_id,
            direction_id: direction,
            referent_id: referent,
            horloge: f.horloge,
            termines: 0,
            a_temps: 0,
            minutes_somme: 0,
            minutes_max: 0,
            minutes_maison: 0,
            minutes_siege: 0,
            minutes_usager: 0,
            minutes_cabinet: 0,
            ...Object.fromEntries(COLONNES_CLASSES.map((c) => [c, 0])),
          };
          lignes.set(key, l);
        }
        const minutes = Number(f.consomme_minutes);
        l.termines = (l.termines as number) + 1;
        if (!f.depassee_a) l.a_temps = (l.a_temps as number) + 1;
        l.minutes_somme = (l.minutes_somme as number) + minutes;
        l.minutes_max = Math.max(l.minutes_max as number, minutes);
        const c = COLONNES_CLASSES[Math.min(classeDe(minutes), NB_CLASSES - 1)];
        l[c] = (l[c] as number) + 1;
        if (HORLOGES_DETENTION.has(f.horloge)) {
          // Held time includes the pauses; a pause is waiting on the usager (a question) or on the Cabinet (a clarification).
          const calendar = await calendarOf(f.calendrier_id);
          const pause = Math.max(0, calendar.businessMinutesBetween(new Date(f.demarree_a), new Date(f.atteinte_a)) - minutes);
          const maison = Number(f.det_maison ?? 0);
          const siege = Number(f.det_siege ?? 0);
          if (f.flux === 'question') {
            l.minutes_maison = (l.minutes_maison as number) + maison;
            l.minutes_siege = (l.minutes_siege as number) + Math.max(0, siege - pause);
            l.minutes_usager = (l.minutes_usager as number) + pause;
          } else {
            l.minutes_maison = (l.minutes_maison as number) + Math.max(0, maison - pause);
            l.minutes_cabinet = (l.minutes_cabinet as number) + pause;
          }
        }
      }
      await manager.query(`DELETE FROM tdb_sla_jour WHERE jour = ANY($1::date[])`, [jours]);
      const rows = [...lignes.values()];
      for (let i = 0; i < rows.length; i += 5000) {
        await manager.query(`INSERT INTO tdb_sla_jour SELECT * FROM jsonb_populate_recordset(NULL::tdb_sla_jour, $1::jsonb)`, [JSON.stringify(rows.slice(i, i + 5000))]);
      }
      await this.marquer(jours.length, rows.length, manager);
      return { jours: jours.length, lignes: rows.length };
    });
  }

  private async marquer(jours: number, lignes: number, manager: EntityManager = this.dataSource.manager): Promise<{ jours: number; lignes: number }> {
    await manager.query(
      `INSERT INTO tdb_rafraichissement (id, a, jours) VALUES ('sla', $1, $2) ON CONFLICT (id) DO UPDATE SET a = EXCLUDED.a, jours = EXCLUDED.jours`,
      [this.clock.now(), jours],
    );
    return { jours, lignes };
  }
}
