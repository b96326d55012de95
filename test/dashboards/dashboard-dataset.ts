import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALWAYS_OPEN_CALENDAR, SANS_AFFECTATION } from '@app/sla';

/** "Now" for the dashboard suites: Wednesday 25 November 2026, 16:00 in Paris. */
export const NOW = new Date('2026-11-25T15:00:00Z');

export interface Units {
  carcassonne: string;
  foix: string;
  tourisme: string;
  def: string;
  referentTourisme: string;
  referent2Tourisme: string;
  referentDef: string;
  agent: string;
}

export async function units(db: DataSource): Promise<Units> {
  const one = async (sql: string, p: unknown[]) => (await db.query(sql, p))[0].id as string;
  const user = (email: string) => one(`SELECT id FROM users WHERE email = $1`, [email]);
  return {
    carcassonne: await one(`SELECT id FROM maison WHERE code = $1`, ['carcassonne']),
    foix: await one(`SELECT id FROM maison WHERE code = $1`, ['foix']),
    tourisme: await one(`SELECT id FROM direction WHERE code = $1`, ['tourisme']),
    def: await one(`SELECT id FROM direction WHERE code = $1`, ['def']),
    referentTourisme: await user('referent.tourisme@relais.demo'),
    referent2Tourisme: await user('referent2.tourisme@relais.demo'),
    referentDef: await user('referent.def@relais.demo'),
    agent: await user('agent.carcassonne@relais.demo'),
  };
}

type Etat = 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

interface ClockSpec {
  horloge: 'prise_en_charge' | 'reponse' | 'relais';
  cycle?: number;
  etat: Etat;
  start: string;
  /** Met at (etat 'met'). */
  end?: string;
  /** Business minutes consumed (the calendars are always open here: wall minutes). */
  minutes?: number;
  /** When it breached, if it did. */
  breached?: string;
  /** When its warning falls (running clocks). */
  warning?: string;
  /** Holders: [type, id, from, to, minutes]. */
  holders?: Array<['maison' | 'direction', string, string, string | null, number | null]>;
}

/**
 * The hand-built dataset of the dashboard suites: every figure the dashboard shows is worked out
 * by hand in sla-dashboard.e2e-spec.ts from these rows. Both calendars are always open, so
 * business minutes are wall minutes and every day is a business day.
 *
 * - Q1 Carcassonne → Tourisme, référent 1: claimed in 60 min, answered in 240, relayed after
 *   1200 min, having breached its relais clock first (breached then met).
 * - Q2 Foix → Tourisme, référent 2: réponse clock paused 1440 min waiting on the usager.
 * - Q3 Carcassonne → Tourisme, rerouted to DEF after 120 min; claim and answer late; answered,
 *   its relais clock running past its warning (at risk now).
 * - Q4 Foix → DEF: answered and closed (cycle 1), reopened, claimed again (cycle 2), its réponse
 *   clock breached since (open, breached now).
 * - Q5 Carcassonne → Tourisme, escalated today, not claimed, warning passed (at risk now).
 * - Q6 Foix → Tourisme, waiting on the usager since 12 November (paused: neither at risk nor late).
 * - Q7 Carcassonne, answered by the MdR itself: no clock, not open.
 */
export async function loadDataset(db: DataSource, u: Units): Promise<Record<string, string>> {
  const spec = (id: string) => JSON.stringify({ ...ALWAYS_OPEN_CALENDAR, id });
  await db.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'reseau'`, [spec('reseau')]);
  await db.query(`UPDATE sla_calendrier SET spec = $1::jsonb WHERE id = 'siege'`, [spec('siege')]);
  const ids: Record<string, string> = {};
  let n = 0;
  const question = async (name: string, q: { maison: string; direction: string | null; referent: string | null; statut: string; created: string }, clocks: ClockSpec[]) => {
    const id = randomUUID();
    ids[name] = id;
    await db.query(
      `INSERT INTO question (id, reference, maison_id, objet, description, canal, priorite, statut, direction_id, referent_id, created_by, created_at, updated_at, escaladee_at, version)
       VALUES ($1, $2, $3, $4, 'Jeu de données du tableau de bord', 'guichet', 'normale', $5, $6, $7, $8, $9, $9, $10, 1)`,
      [id, `Q-2026-9${String(++n).padStart(5, '0')}`, q.maison, name, q.statut, q.direction, q.referent, u.agent, q.created, q.direction ? q.created : null],
    );
    for (const c of clocks) {
      const horlogeId = randomUUID();
      await db.query(
        `INSERT INTO sla_horloge (id, ticket_type, ticket_id, affectation_id, horloge, cycle, etat, cible_minutes, seuil_pct, calendrier_id, consomme_minutes,
                                  segment_depuis, echeance, avertissement_a, generation, demarree_a, avertie_a, depassee_a, atteinte_a, version)
         VALUES ($1, 'question', $2, $3, $4, $5, $6, 480, 75, $7, $8, $9, $10, $11, 1, $12, $11, $13, $14, 1)`,
        [
          horlogeId,
          id,
          SANS_AFFECTATION,
          c.horloge,
          c.cycle ?? 1,
          c.etat,
          c.horloge === 'relais' ? 'reseau' : 'siege',
          c.minutes ?? 0,
          c.etat === 'running' || c.etat === 'breached' ? c.start : null,
          c.etat === 'met' ? null : '2026-11-25T14:00:00Z',
          c.warning ?? null,
          c.start,
          c.breached ?? null,
          c.end ?? null,
        ],
      );
      for (const [type, holder, from, to, minutes] of c.holders ?? []) {
        await db.query(`INSERT INTO sla_detention (horloge_id, detenteur_type, detenteur_id, depuis, jusqu_a, minutes) VALUES ($1, $2, $3, $4, $5, $6)`, [
          horlogeId,
          type,
          holder,
          from,
          to,
          minutes,
        ]);
      }
    }
  };
  const T = u.tourisme;
  const D = u.def;
  await question('Q1', { maison: u.carcassonne, direction: T, referent: u.referentTourisme, statut: 'close', created: '2026-11-03T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'met', start: '2026-11-03T08:00:00Z', end: '2026-11-03T09:00:00Z', minutes: 60 },
    { horloge: 'reponse', etat: 'met', start: '2026-11-03T08:00:00Z', end: '2026-11-03T12:00:00Z', minutes: 240, holders: [['direction', T, '2026-11-03T08:00:00Z', '2026-11-03T12:00:00Z', 240]] },
    {
      horloge: 'relais',
      etat: 'met',
      start: '2026-11-03T12:00:00Z',
      end: '2026-11-04T08:00:00Z',
      minutes: 1200,
      breached: '2026-11-03T20:00:00Z',
      holders: [['maison', u.carcassonne, '2026-11-03T12:00:00Z', '2026-11-04T08:00:00Z', 1200]],
    },
  ]);
  await question('Q2', { maison: u.foix, direction: T, referent: u.referent2Tourisme, statut: 'close', created: '2026-11-10T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'met', start: '2026-11-10T08:00:00Z', end: '2026-11-10T08:30:00Z', minutes: 30 },
    // 2 h, paused 24 h, 2 h more: 240 minutes consumed over 1680 elapsed.
    { horloge: 'reponse', etat: 'met', start: '2026-11-10T08:00:00Z', end: '2026-11-11T12:00:00Z', minutes: 240, holders: [['direction', T, '2026-11-10T08:00:00Z', '2026-11-11T12:00:00Z', 1680]] },
    { horloge: 'relais', etat: 'met', start: '2026-11-11T12:00:00Z', end: '2026-11-11T14:00:00Z', minutes: 120, holders: [['maison', u.foix, '2026-11-11T12:00:00Z', '2026-11-11T14:00:00Z', 120]] },
  ]);
  await question('Q3', { maison: u.carcassonne, direction: D, referent: u.referentDef, statut: 'repondue', created: '2026-11-17T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'met', start: '2026-11-17T08:00:00Z', end: '2026-11-17T16:00:00Z', minutes: 480, breached: '2026-11-17T12:00:00Z' },
    {
      horloge: 'reponse',
      etat: 'met',
      start: '2026-11-17T08:00:00Z',
      end: '2026-11-18T08:00:00Z',
      minutes: 1440,
      breached: '2026-11-17T20:00:00Z',
      holders: [
        ['direction', T, '2026-11-17T08:00:00Z', '2026-11-17T10:00:00Z', 120],
        ['direction', D, '2026-11-17T10:00:00Z', '2026-11-18T08:00:00Z', 1320],
      ],
    },
    { horloge: 'relais', etat: 'running', start: '2026-11-18T08:00:00Z', warning: '2026-11-24T08:00:00Z', holders: [['maison', u.carcassonne, '2026-11-18T08:00:00Z', null, null]] },
  ]);
  await question('Q4', { maison: u.foix, direction: D, referent: u.referentDef, statut: 'prise_en_charge', created: '2026-11-05T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'met', start: '2026-11-05T08:00:00Z', end: '2026-11-05T09:00:00Z', minutes: 60 },
    { horloge: 'reponse', etat: 'met', start: '2026-11-05T08:00:00Z', end: '2026-11-05T10:00:00Z', minutes: 120, holders: [['direction', D, '2026-11-05T08:00:00Z', '2026-11-05T10:00:00Z', 120]] },
    { horloge: 'relais', etat: 'met', start: '2026-11-05T10:00:00Z', end: '2026-11-05T11:00:00Z', minutes: 60, holders: [['maison', u.foix, '2026-11-05T10:00:00Z', '2026-11-05T11:00:00Z', 60]] },
    { horloge: 'prise_en_charge', cycle: 2, etat: 'met', start: '2026-11-06T08:00:00Z', end: '2026-11-06T08:15:00Z', minutes: 15 },
    { horloge: 'reponse', cycle: 2, etat: 'breached', start: '2026-11-06T08:00:00Z', breached: '2026-11-06T16:00:00Z', holders: [['direction', D, '2026-11-06T08:00:00Z', null, null]] },
  ]);
  await question('Q5', { maison: u.carcassonne, direction: T, referent: null, statut: 'escaladee', created: '2026-11-25T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'running', start: '2026-11-25T08:00:00Z', warning: '2026-11-25T12:00:00Z' },
    { horloge: 'reponse', etat: 'running', start: '2026-11-25T08:00:00Z', warning: '2026-11-26T08:00:00Z' },
  ]);
  await question('Q6', { maison: u.foix, direction: T, referent: u.referentTourisme, statut: 'en_attente_info', created: '2026-11-12T08:00:00Z' }, [
    { horloge: 'prise_en_charge', etat: 'met', start: '2026-11-12T08:00:00Z', end: '2026-11-12T09:00:00Z', minutes: 60 },
    { horloge: 'reponse', etat: 'paused', start: '2026-11-12T08:00:00Z', minutes: 90 },
  ]);
  await question('Q7', { maison: u.carcassonne, direction: null, referent: null, statut: 'repondue_localement', created: '2026-11-20T08:00:00Z' }, []);
  return ids;
}
