import { AuthContext } from '@app/core';
import { Unite } from './timeline.types';

/**
 * The units whose internal notes the caller reads (deny by default: a unit is granted only by
 * the caller's own scope). MdR staff read their maison's notes; référents and managers scoped
 * to a direction read that direction's; the Cabinet reads the Cabinet's; network-wide managers
 * and admins are the network coordination. A network scope does not open every unit's notes:
 * internal means internal to the author's unit.
 */
export function unitesOf(ctx: AuthContext): Unite[] {
  const unites: Unite[] = [];
  if (ctx.perimetre === 'maison' && ctx.maisonId) unites.push({ type: 'maison', id: ctx.maisonId });
  if (ctx.perimetre === 'direction' && ctx.directionId) unites.push({ type: 'direction', id: ctx.directionId });
  if (ctx.role === 'cabinet') unites.push({ type: 'cabinet', id: null });
  if (ctx.perimetre === 'reseau' && (ctx.role === 'manager' || ctx.role === 'admin')) unites.push({ type: 'reseau', id: null });
  return unites;
}
