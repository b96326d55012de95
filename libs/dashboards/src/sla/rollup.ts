import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@app/core';
import { CalendarRegistry, CALENDRIER_RESEAU, SANS_AFFECTATION } from '@app/sla';
import { lendemain, lundiDe, moisDe, veille } from '../dates';
import { BORNES_MINUTES, COLONNES_CLASSES } from '../histogram';

/** What the monthly level adds up from the daily one (minutes_max is a max). */
export const COLONNES_SOMMEES = ['termines', 'a_temps', 'minutes_somme', 'minutes_maison', 'minutes_siege', 'minutes_usager', 'minutes_cabinet', ...COLONNES_CLASSES];

/** The clocks whose holders' time the dashboard attributes: one per stretch of a ticket's life, so nothing counts twice. */
const HORLOGES_DETENTION = new Set(['reponse', 'relais', 'accuse_reception']);

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

  /** Every day that has a met clock, and every month, month by month (after a bulk load or `sla:rebuild`). */
  async reconstruire(): Promise<{ jours: number; lignes: number }> {
    const [{ premier }] = await this.dataSource.query(`SELECT min(atteinte_a) AS premier FROM sla_horloge WHERE etat = 'met'`);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tdb_sla_jour'))`);
      await manager.query(`DELETE FROM tdb_sla_jour`);
      await manager.query(`DELETE FROM tdb_sla_mois`);
      await manager.query(`DELETE FROM tdb_sla_semaine`);
    });
    if (!premier) return this.marquer(0, 0);
    const reseau = await this.calendars.get(this.dataSource.manager, CALENDRIER_RESEAU);
    const fin = reseau.localDay(this.clock.now());
    let total = { jours: 0, lignes: 0 };
    // One local month per transaction: each month's row of the monthly level is summed once.
    for (let debut = reseau.localDay(new Date(premier)); debut <= fin; ) {
      const jours: string[] = [];
      for (let d = debut; d <= fin && moisDe(d) === moisDe(debut); d = lendemain(d)) jours.push(d);
      const r = await this.recalculer(jours);
      total = { jours: total.jours + r.jours, lignes: total.lignes + r.lignes };
      debut = lendemain(jours[jours.length - 1]);
    }
    this.logger.log(total, 'dashboard read model rebuilt');
    return total;
  }

  /**
   * Recomputes these local days ('yyyy-mm-dd'), in SQL: one INSERT … SELECT groups the clocks met
   * on those days. Held time comes from the holder rows; a clock's pauses are what it was held
   * beyond the business minutes it ran (held − consumed): waiting on the usager for a question,
   * on the Cabinet for a clarification. No calendar arithmetic is needed here. Then the months
   * those days fall in are summed again from the daily level (ADR 0025), in the same transaction
   * and under the same lock: the two levels never disagree, and a retry or a second worker
   * rewrites the same rows.
   */
  recalculer(jours: string[]): Promise<{ jours: number; lignes: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tdb_sla_jour'))`);
      await manager.query(`DELETE FROM tdb_sla_jour WHERE jour = ANY($1::date[])`, [jours]);
      const classes = COLONNES_CLASSES.map((_, i) => {
        const bas = i === 0 ? null : BORNES_MINUTES[i - 1];
        const haut = i < BORNES_MINUTES.length ? BORNES_MINUTES[i] : null;
        const cond = [bas === null ? null : `m >= ${bas}`, haut === null ? null : `m < ${haut}`].filter(Boolean).join(' AND ');
        return `count(*) FILTER (WHERE ${cond})`;
      });
      const pause = `GREATEST(0, det_total - m)`;
      const [{ lignes }] = await manager.query(
        `WITH faits AS (
           SELECT h.ticket_type AS flux, (h.atteinte_a AT TIME ZONE 'Europe/Paris')::date AS jour,
                  COALESCE(q.maison_id, a.maison_id) AS maison_id,
                  COALESCE(q.direction_id, c.emetteur_unite_id, '${SANS_AFFECTATION}') AS direction_id,
                  COALESCE(q.referent_id, '${SANS_AFFECTATION}') AS referent_id,
                  h.horloge, h.consomme_minutes AS m, h.depassee_a IS NULL AS a_temps,
                  d.det_maison, d.det_siege, d.det_total
             FROM sla_horloge h
             LEFT JOIN question q ON h.ticket_type = 'question' AND q.id = h.ticket_id
             LEFT JOIN affectation a ON h.ticket_type = 'commande' AND a.id = h.affectation_id
             LEFT JOIN commande c ON c.id = a.commande_id
             LEFT JOIN LATERAL (
               SELECT sum(minutes) FILTER (WHERE detenteur_type = 'maison') AS det_maison,
                      sum(minutes) FILTER (WHERE detenteur_type IN ('direction', 'coordination')) AS det_siege,
                      sum(minutes) AS det_total
                 FROM sla_detention WHERE horloge_id = h.id) d ON h.horloge IN (${[...HORLOGES_DETENTION].map((x) => `'${x}'`).join(', ')})
            WHERE h.etat = 'met'
              AND h.atteinte_a >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris')
              AND h.atteinte_a < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris')
              AND (h.atteinte_a AT TIME ZONE 'Europe/Paris')::date = ANY($3::date[])),
         inseres AS (
           INSERT INTO tdb_sla_jour (flux, jour, maison_id, direction_id, referent_id, horloge, termines, a_temps, minutes_somme, minutes_max,
                                     minutes_maison, minutes_siege, minutes_usager, minutes_cabinet, ${COLONNES_CLASSES.join(', ')})
           SELECT flux, jour, maison_id, direction_id, referent_id, horloge, count(*), count(*) FILTER (WHERE a_temps), sum(m), max(m),
                  COALESCE(sum(CASE WHEN flux = 'question' THEN det_maison ELSE GREATEST(0, det_maison - ${pause}) END), 0),
                  COALESCE(sum(CASE WHEN flux = 'question' THEN GREATEST(0, det_siege - ${pause}) END), 0),
                  COALESCE(sum(CASE WHEN flux = 'question' AND det_total IS NOT NULL THEN ${pause} END), 0),
                  COALESCE(sum(CASE WHEN flux = 'commande' AND det_total IS NOT NULL THEN ${pause} END), 0),
                  ${classes.join(', ')}
             FROM faits
            WHERE maison_id IS NOT NULL -- a clock whose ticket is gone: nothing to attribute it to
            GROUP BY flux, jour, maison_id, direction_id, referent_id, horloge
           RETURNING 1)
         SELECT count(*)::int AS lignes FROM inseres`,
        [jours.reduce((x, y) => (x < y ? x : y)), jours.reduce((x, y) => (x > y ? x : y)), jours],
      );
      await this.sommerMois([...new Set(jours.map(moisDe))], manager);
      await this.sommerSemaines([...new Set(jours.map(lundiDe))], manager);
      await this.marquer(jours.length, lignes, manager);
      return { jours: jours.length, lignes };
    });
  }

  /** The monthly level of these months ('yyyy-mm-01'), from the daily level: a month is a few thousand daily rows. */
  private async sommerMois(mois: string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM tdb_sla_mois WHERE mois = ANY($1::date[])`, [mois]);
    await manager.query(
      `INSERT INTO tdb_sla_mois (flux, mois, maison_id, direction_id, referent_id, horloge, minutes_max, ${COLONNES_SOMMEES.join(', ')})
       SELECT flux, date_trunc('month', jour)::date, maison_id, direction_id, referent_id, horloge, max(minutes_max),
              ${COLONNES_SOMMEES.map((c) => `sum(${c})`).join(', ')}
         FROM tdb_sla_jour
        WHERE jour >= $1::date AND jour < ($2::date + interval '1 month')
          AND date_trunc('month', jour)::date = ANY($3::date[])
        GROUP BY flux, date_trunc('month', jour)::date, maison_id, direction_id, referent_id, horloge`,
      [mois.reduce((x, y) => (x < y ? x : y)), mois.reduce((x, y) => (x > y ? x : y)), mois],
    );
  }

  /** The weekly trend's level of these ISO weeks (their Mondays), from the daily level. */
  private async sommerSemaines(lundis: string[], manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM tdb_sla_semaine WHERE semaine = ANY($1::date[])`, [lundis]);
    await manager.query(
      `INSERT INTO tdb_sla_semaine (flux, semaine, maison_id, direction_id, referent_id, termines, a_temps)
       SELECT flux, jour - (extract(isodow FROM jour)::int - 1), maison_id, direction_id, referent_id, sum(termines), sum(a_temps)
         FROM tdb_sla_jour
        WHERE jour >= $1::date AND jour < $2::date + 7
          AND jour - (extract(isodow FROM jour)::int - 1) = ANY($3::date[])
        GROUP BY flux, jour - (extract(isodow FROM jour)::int - 1), maison_id, direction_id, referent_id`,
      [lundis.reduce((x, y) => (x < y ? x : y)), lundis.reduce((x, y) => (x > y ? x : y)), lundis],
    );
  }

  private async marquer(jours: number, lignes: number, manager: EntityManager = this.dataSource.manager): Promise<{ jours: number; lignes: number }> {
    await manager.query(
      `INSERT INTO tdb_rafraichissement (id, a, jours) VALUES ('sla', $1, $2) ON CONFLICT (id) DO UPDATE SET a = EXCLUDED.a, jours = EXCLUDED.jours`,
      [this.clock.now(), jours],
    );
    return { jours, lignes };
  }
}
