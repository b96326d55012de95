import { AuthContext, Clock, DomainError, ForbiddenError, NotFoundError } from '@app/core';
import { BusinessCalendar, CalendarRegistry, CALENDRIER_RESEAU } from '@app/sla';
import type { EntityManager } from 'typeorm';

export type Perimetre = { type: 'reseau'; id: null } | { type: 'direction'; id: string } | { type: 'maison'; id: string };

/** What a dashboard may show a caller: a perimeter, and for a référent only their own line. */
export interface PorteeTableau {
  perimetre: Perimetre;
  libelle: string;
  /** Set for a référent: every figure is about the tickets they hold. */
  referentId: string | null;
}

/** 'reseau' | 'direction:<uuid>' | 'maison:<uuid>' (the DTO has checked the shape). */
export function parsePerimetre(value: string): Perimetre {
  if (value === 'reseau') return { type: 'reseau', id: null };
  const [type, id] = value.split(':');
  return { type: type as 'direction' | 'maison', id };
}

/** The caller's own perimeter, when they did not ask for one. */
function perimetreParDefaut(ctx: AuthContext): Perimetre {
  if (ctx.role === 'admin' || ctx.perimetre === 'reseau') return { type: 'reseau', id: null };
  if (ctx.perimetre === 'direction' && ctx.directionId) return { type: 'direction', id: ctx.directionId };
  if (ctx.perimetre === 'maison' && ctx.maisonId) return { type: 'maison', id: ctx.maisonId };
  throw new ForbiddenError('Aucun tableau de bord ne correspond à votre périmètre.');
}

/**
 * Who sees which dashboard. Managers (and the Cabinet, admins) see their scope: the network, one
 * direction or one MdR; the head of an MdR sees their MdR; a référent sees their own line of
 * their direction. Agents of an MdR have no dashboard. Asking for another perimeter is a 403,
 * not a 404: directions and MdRs are public in the directory, so hiding that they exist would
 * protect nothing, and « hors de votre périmètre » tells the manager what to ask for.
 */
export async function porteeTableau(manager: EntityManager, ctx: AuthContext, demande: string | undefined): Promise<PorteeTableau> {
  if (ctx.role === 'agent_mdr') throw new ForbiddenError('Les tableaux de bord sont réservés aux responsables et aux managers.');
  const perimetre = demande ? parsePerimetre(demande) : perimetreParDefaut(ctx);
  const reseau = ctx.role === 'admin' || (ctx.perimetre === 'reseau' && (ctx.role === 'manager' || ctx.role === 'cabinet'));
  const autorise =
    reseau ||
    (perimetre.type === 'direction' && ctx.perimetre === 'direction' && ctx.directionId === perimetre.id && (ctx.role === 'manager' || ctx.role === 'referent')) ||
    (perimetre.type === 'maison' && ctx.perimetre === 'maison' && ctx.maisonId === perimetre.id && (ctx.role === 'manager' || ctx.role === 'responsable_mdr'));
  if (!autorise) throw new DomainError('TABLEAU_HORS_PERIMETRE', 'forbidden', 'Ce tableau de bord est hors de votre périmètre.');
  let libelle = 'Réseau des Maisons de la Région';
  if (perimetre.type !== 'reseau') {
    const table = perimetre.type === 'direction' ? 'direction' : 'maison';
    const [row] = await manager.query(`SELECT nom FROM ${table} WHERE id = $1`, [perimetre.id]);
    if (!row) throw new NotFoundError(perimetre.type === 'direction' ? 'Direction introuvable.' : 'Maison de la Région introuvable.');
    libelle = row.nom;
  }
  return { perimetre, libelle, referentId: ctx.role === 'referent' && !reseau ? ctx.userId : null };
}

/** What every dashboard starts from: the caller's scope, now, and today on the network calendar. */
export interface OuvertureTableau {
  portee: PorteeTableau;
  now: Date;
  today: string;
  reseau: BusinessCalendar;
}

export async function ouvrirTableau(
  manager: EntityManager,
  deps: { calendars: CalendarRegistry; clock: Clock },
  ctx: AuthContext,
  perimetre: string | undefined,
): Promise<OuvertureTableau> {
  const portee = await porteeTableau(manager, ctx, perimetre);
  const now = deps.clock.now();
  const reseau = await deps.calendars.get(manager, CALENDRIER_RESEAU);
  return { portee, now, today: reseau.localDay(now), reseau };
}
