import { AuthContext, isMdrRole } from '@app/core';
import type { QuestionAction } from './question.transitions';

/** What the access rules need to know of a question. */
export interface QuestionScope {
  maisonId: string;
  directionId: string | null;
  referentId: string | null;
  /** Has the caller's direction ever held it (current holder included)? */
  heldByCallerDirection: boolean;
  /**
   * Does the caller's Maison follow the question's thème for the whole network (a spécialisation:
   * the question's thème, or its dispositif's)? Grants reading only (ADR 0018).
   */
  correspondantDuTheme: boolean;
}

const MDR_ACTIONS: readonly QuestionAction[] = ['repondre_localement', 'escalader', 'fournir_info', 'clore', 'rouvrir'];

/**
 * The question's participants: its MdR (agents, responsable, a manager of that MdR), the
 * directions that hold or held it (référents, direction managers), network managers.
 */
export function isParticipant(ctx: AuthContext, q: QuestionScope): boolean {
  if (ctx.perimetre === 'maison') return (isMdrRole(ctx.role) || ctx.role === 'manager') && ctx.maisonId === q.maisonId;
  if (ctx.perimetre === 'direction') return (ctx.role === 'referent' || ctx.role === 'manager') && q.heldByCallerDirection;
  return ctx.role === 'manager';
}

/**
 * Who may read a question: its participants, and the agents and responsable of a Maison that
 * is correspondent for its thème (read-only, ADR 0018). Anyone else gets 404: the question does
 * not exist for them.
 */
export function canReadQuestion(ctx: AuthContext, q: QuestionScope): boolean {
  return isParticipant(ctx, q) || (isMdrRole(ctx.role) && ctx.perimetre === 'maison' && q.correspondantDuTheme);
}

/** Visible through a spécialisation only: every move and every message is refused (403). */
export function enLectureSeule(ctx: AuthContext, q: QuestionScope): boolean {
  return canReadQuestion(ctx, q) && !isParticipant(ctx, q);
}

/** Who writes on the question's fil (messages): its participants; a correspondent only reads. */
export function canWriteMessage(ctx: AuthContext, q: QuestionScope): boolean {
  return isParticipant(ctx, q);
}

/**
 * Who may do what, once they can read it. The MdR side records, escalates, provides
 * information, closes and reopens; the side that holds it at the siège (the direction's
 * référents and managers, or network managers for the coordination queue) claims, asks,
 * answers and reorients.
 */
export function canAct(ctx: AuthContext, q: QuestionScope, action: QuestionAction): boolean {
  if (!isParticipant(ctx, q)) return false;
  if (MDR_ACTIONS.includes(action)) return isMdrRole(ctx.role) && ctx.maisonId === q.maisonId;
  if (q.directionId === null) return ctx.role === 'manager' && ctx.perimetre === 'reseau';
  return (ctx.role === 'referent' || ctx.role === 'manager') && ctx.perimetre === 'direction' && ctx.directionId === q.directionId;
}

/** Who hands the usager a tracking link: the Maison that recorded the question (agents and responsable). */
export function canGiveLienSuivi(ctx: AuthContext, q: QuestionScope): boolean {
  return isMdrRole(ctx.role) && ctx.maisonId === q.maisonId;
}

/** Usager personal data: the MdR that recorded it, and the référent handling the question. */
export function canSeeUsager(ctx: AuthContext, q: QuestionScope): boolean {
  if (isMdrRole(ctx.role)) return ctx.maisonId === q.maisonId;
  if (ctx.role !== 'referent' || ctx.directionId !== q.directionId) return false;
  return q.referentId === null || q.referentId === ctx.userId;
}
