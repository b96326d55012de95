import { Client } from 'pg';
import { BusinessCalendar, BusinessCalendarSpec, BusinessTime, CALENDRIER_RESEAU, CALENDRIER_SIEGE, calendrierDeMaison, Holder } from '@app/sla';
import { PrecomputedBusinessTime } from './precomputed-business-time';

export interface Person {
  id: string;
  displayName: string;
  role: string;
}

export interface MaisonInfo {
  id: string;
  code: string;
  type: string;
  /** Agents first, then the head: who records, escalates, provides information and closes. */
  staff: Person[];
}

export interface DirectionInfo {
  id: string;
  /** Référents (users), then the direction's managers: who may claim, ask, answer, reorient. */
  actors: Person[];
  referents: Person[];
}

export interface Subject {
  dispositifId: string | null;
  themeId: string | null;
  /** Where RoutingReader.route sends it: the dispositif's direction, else the thème's, else none (coordination). */
  directionId: string | null;
  routage: 'dispositif' | 'theme' | 'coordination';
  libelle: string;
}

export interface Politique {
  id: string;
  version: number;
  cibleMinutes: number;
  seuilPct: number;
}

export interface CalendarRef {
  id: string;
  time: BusinessTime;
}

/** What the generator picks among, read from the seeded directory and the SLA tables. */
export interface VolumeSetup {
  maisons: MaisonInfo[];
  directions: Map<string, DirectionInfo>;
  /** Directions someone can act for (a référent or a direction manager): where questions may go. */
  routable: DirectionInfo[];
  coordinators: Person[];
  dispositifs: Subject[];
  themes: Subject[];
  politique(horloge: string, priorite: string, directionId: string | null, themeId: string | null): Politique | null;
  forHolder(holder: Holder): CalendarRef;
  calendar(id: string): CalendarRef;
}

/**
 * Reads the directory (seeded by seedDemoData), the active question policies resolved for every
 * (clock, priority, direction, thème) exactly as choisirPolitique's query ranks them, and the
 * business calendars, precomputed over [from, to).
 */
export async function loadVolumeSetup(client: Client, from: Date, to: Date): Promise<VolumeSetup> {
  const { rows: maisons } = await client.query(`SELECT id, code, type FROM maison ORDER BY code`);
  const { rows: users } = await client.query(
    `SELECT id, display_name, role, perimetre, maison_id, direction_id FROM users WHERE actif ORDER BY email`,
  );
  const { rows: referents } = await client.query(`SELECT user_id, direction_id FROM referent ORDER BY user_id`);
  const { rows: directions } = await client.query(`SELECT id FROM direction ORDER BY code`);
  const { rows: themes } = await client.query(`SELECT id, libelle, direction_id FROM theme ORDER BY code`);
  const { rows: dispositifs } = await client.query(
    `SELECT d.id, d.nom, d.direction_id, d.theme_id FROM dispositif d WHERE NOT d.historique ORDER BY d.code`,
  );

  const person = (u: any): Person => ({ id: u.id, displayName: u.display_name, role: u.role });
  const byId = new Map(users.map((u: any) => [u.id, u]));
  const maisonInfos: MaisonInfo[] = maisons
    .map((m: any) => ({
      id: m.id,
      code: m.code,
      type: m.type,
      staff: [
        ...users.filter((u: any) => u.maison_id === m.id && u.role === 'agent_mdr'),
        ...users.filter((u: any) => u.maison_id === m.id && u.role === 'responsable_mdr'),
      ].map(person),
    }))
    .filter((m) => m.staff.length > 0);

  const directionInfos = new Map<string, DirectionInfo>();
  for (const d of directions) {
    const refs = referents.filter((r: any) => r.direction_id === d.id && byId.has(r.user_id)).map((r: any) => person(byId.get(r.user_id)));
    const managers = users.filter((u: any) => u.role === 'manager' && u.perimetre === 'direction' && u.direction_id === d.id).map(person);
    directionInfos.set(d.id, { id: d.id, actors: [...refs, ...managers], referents: refs });
  }
  const routable = [...directionInfos.values()].filter((d) => d.actors.length > 0);
  const canRoute = (directionId: string | null) => directionId !== null && directionInfos.get(directionId)!.actors.length > 0;
  const coordinators = users.filter((u: any) => u.role === 'manager' && u.perimetre === 'reseau').map(person);

  const { rows: politiques } = await client.query(
    `WITH h(horloge) AS (VALUES ('prise_en_charge'), ('reponse'), ('relais')),
          p(priorite) AS (VALUES ('normale'), ('haute')),
          d(direction_id) AS (SELECT NULL::uuid UNION ALL SELECT id FROM direction),
          t(theme_id) AS (SELECT NULL::uuid UNION ALL SELECT id FROM theme)
     SELECT h.horloge, p.priorite, d.direction_id, t.theme_id, x.id, x.version, x.cible_minutes, x.seuil_pct
       FROM h CROSS JOIN p CROSS JOIN d CROSS JOIN t
       JOIN LATERAL (
         SELECT id, version, cible_minutes, seuil_pct FROM sla_politique
          WHERE actif AND flux = 'question' AND horloge = h.horloge
            AND (priorite IS NULL OR priorite = p.priorite)
            AND (direction_id IS NULL OR direction_id = d.direction_id)
            AND (theme_id IS NULL OR theme_id = t.theme_id)
          ORDER BY (direction_id IS NOT NULL)::int * 4 + (theme_id IS NOT NULL)::int * 2 + (priorite IS NOT NULL)::int DESC, updated_at DESC
          LIMIT 1) x ON true`,
  );
  const key = (horloge: string, priorite: string, directionId: string | null, themeId: string | null) =>
    `${horloge}|${priorite}|${directionId ?? ''}|${themeId ?? ''}`;
  const politiqueByKey = new Map<string, Politique>(
    politiques.map((r: any) => [
      key(r.horloge, r.priorite, r.direction_id, r.theme_id),
      { id: r.id, version: r.version, cibleMinutes: Number(r.cible_minutes), seuilPct: r.seuil_pct },
    ]),
  );

  const { rows: calendriers } = await client.query(`SELECT id, spec FROM sla_calendrier ORDER BY id`);
  const calendars = new Map<string, CalendarRef>(
    calendriers.map((c: { id: string; spec: BusinessCalendarSpec }) => [
      c.id,
      { id: c.id, time: new PrecomputedBusinessTime(new BusinessCalendar(c.spec), from, to) },
    ]),
  );
  const calendar = (id: string): CalendarRef => {
    const found = calendars.get(id);
    if (!found) throw new Error(`calendrier SLA inconnu : ${id}`);
    return found;
  };

  return {
    maisons: maisonInfos,
    directions: directionInfos,
    routable,
    coordinators,
    dispositifs: dispositifs
      .filter((d: any) => canRoute(d.direction_id))
      .map((d: any) => ({ dispositifId: d.id, themeId: d.theme_id, directionId: d.direction_id, routage: 'dispositif' as const, libelle: d.nom })),
    themes: themes
      .filter((t: any) => canRoute(t.direction_id))
      .map((t: any) => ({ dispositifId: null, themeId: t.id, directionId: t.direction_id, routage: 'theme' as const, libelle: t.libelle })),
    politique: (horloge, priorite, directionId, themeId) => politiqueByKey.get(key(horloge, priorite, directionId, themeId)) ?? null,
    // CalendarRegistry.forHolder: the siège's for directions and the coordination, the MdR's own (or the network's) for an MdR.
    forHolder: (holder) => {
      if (holder.type === 'maison' && holder.id) {
        const own = calendars.get(calendrierDeMaison(holder.id));
        return own ?? calendar(CALENDRIER_RESEAU);
      }
      return calendar(CALENDRIER_SIEGE);
    },
    calendar,
  };
}
