import { AuthContext, isMdrRole } from '@app/core';
import { ACTIONS_MAISON, AffectationAction, CommandeAction, CommandeStatut } from './commande.transitions';

/** Who sends a commande: the Cabinet, or one direction. */
export type UniteEmettrice = { type: 'cabinet'; id: null } | { type: 'direction'; id: string };

/** What the access rules need to know of a commande. */
export interface CommandeScope {
  statut: CommandeStatut;
  emetteurUnite: UniteEmettrice;
  /** The MdRs that hold an assignment (none while a draft). */
  maisonIds: readonly string[];
  /** Is the caller one of the brief's contacts (matched by e-mail)? */
  estContact: boolean;
}

/**
 * The unit a caller would issue commandes for: Cabinet users for the Cabinet, a direction's
 * managers for their direction. Nobody else issues.
 */
export function uniteEmettriceOf(ctx: AuthContext): UniteEmettrice | null {
  if (ctx.role === 'cabinet') return { type: 'cabinet', id: null };
  if (ctx.role === 'manager' && ctx.perimetre === 'direction' && ctx.directionId) return { type: 'direction', id: ctx.directionId };
  return null;
}

/** Is the caller on the issuing side of this commande (any user of the issuing unit)? */
export function estEmetteur(ctx: AuthContext, scope: Pick<CommandeScope, 'emetteurUnite'>): boolean {
  const unite = uniteEmettriceOf(ctx);
  return unite !== null && unite.type === scope.emetteurUnite.type && unite.id === scope.emetteurUnite.id;
}

/** Is the caller on the side of this targeted MdR (its agents, its head, a manager of it)? */
function estDeLaMaison(ctx: AuthContext, maisonId: string): boolean {
  return ctx.perimetre === 'maison' && ctx.maisonId === maisonId && (isMdrRole(ctx.role) || ctx.role === 'manager');
}

/**
 * Who reads a commande: its issuing unit (drafts included); once issued, the targeted MdRs,
 * the contacts who are users and the network managers. Anyone else gets 404: it does not exist
 * for them.
 */
export function canReadCommande(ctx: AuthContext, scope: CommandeScope): boolean {
  if (estEmetteur(ctx, scope)) return true;
  if (scope.statut === 'brouillon') return false;
  if (ctx.perimetre === 'maison') return ctx.maisonId !== null && scope.maisonIds.includes(ctx.maisonId) && estDeLaMaison(ctx, ctx.maisonId);
  if (ctx.role === 'manager' && ctx.perimetre === 'reseau') return true;
  return scope.estContact;
}

/**
 * Why a reader of the commande may not do something: `role` when their role never does it,
 * `unite` when they would issue commandes but this one belongs to another issuing unit,
 * `maison` when they act for an MdR but this assignment is another MdR's. The three are all
 * 403 (the caller can read the commande: nothing is hidden from them), with different words.
 */
export type Refus = 'role' | 'unite' | 'maison';

/** The issuer's side: anyone else is refused for their role, or for their unit when they could issue. */
function refusEmetteur(ctx: AuthContext, scope: Pick<CommandeScope, 'emetteurUnite'>): Refus | null {
  if (estEmetteur(ctx, scope)) return null;
  return uniteEmettriceOf(ctx) === null ? 'role' : 'unite';
}

/**
 * Who may do what to the commande, once they can read it: the issuing side edits, issues and
 * cancels; every reader may write on the fil; nobody asks for `clore` (it happens by itself).
 */
export function refusCommande(ctx: AuthContext, scope: CommandeScope, action: CommandeAction): Refus | null {
  if (action === 'ecrire') return canReadCommande(ctx, scope) ? null : 'role';
  if (action === 'clore') return 'role';
  return refusEmetteur(ctx, scope);
}

export function canActCommande(ctx: AuthContext, scope: CommandeScope, action: CommandeAction): boolean {
  return refusCommande(ctx, scope, action) === null;
}

/**
 * Who may move one assignment: its MdR's agents and head acknowledge, ask, report and deliver;
 * the issuing side answers, validates, sends back and withdraws.
 */
export function refusAffectation(ctx: AuthContext, scope: CommandeScope, action: AffectationAction, maisonId: string): Refus | null {
  if (!ACTIONS_MAISON.includes(action)) return refusEmetteur(ctx, scope);
  if (!isMdrRole(ctx.role) || ctx.perimetre !== 'maison') return 'role';
  return ctx.maisonId === maisonId ? null : 'maison';
}

export function canActAffectation(ctx: AuthContext, scope: CommandeScope, action: AffectationAction, maisonId: string): boolean {
  return refusAffectation(ctx, scope, action, maisonId) === null;
}
