export const ROLES = ['agent_mdr', 'responsable_mdr', 'referent', 'cabinet', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Where a user's rights apply: one MdR, one direction, or the whole network. */
export type Perimetre = 'maison' | 'direction' | 'reseau';

/** The authenticated caller, as every handler sees it. */
export interface AuthContext {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  perimetre: Perimetre;
  maisonId: string | null;
  directionId: string | null;
}

export const MDR_ROLES: readonly Role[] = ['agent_mdr', 'responsable_mdr'];

export function isMdrRole(role: Role): boolean {
  return MDR_ROLES.includes(role);
}

/** Does the caller's scope cover this MdR? (network scope covers every MdR) */
export function coversMaison(ctx: AuthContext, maisonId: string | null | undefined): boolean {
  if (ctx.role === 'admin' || ctx.perimetre === 'reseau') return true;
  return ctx.perimetre === 'maison' && maisonId != null && ctx.maisonId === maisonId;
}

/** Does the caller's scope cover this direction? (network scope covers every direction) */
export function coversDirection(ctx: AuthContext, directionId: string | null | undefined): boolean {
  if (ctx.role === 'admin' || ctx.perimetre === 'reseau') return true;
  return ctx.perimetre === 'direction' && directionId != null && ctx.directionId === directionId;
}
