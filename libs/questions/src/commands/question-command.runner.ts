import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext, Clock, createIdempotently, IdempotentResponse, StaleVersionError } from '@app/core';
import { SlaInRequest, TimerPlan } from '@app/sla';
import { unitesOf } from '@app/timeline';
import { canAct, canGiveLienSuivi, canReadQuestion, canWriteMessage, QuestionScope } from '../domain/question.access';
import { correspondantDuTheme } from '../persistence/specialisation.reader';
import { Auteur, Question } from '../domain/question.aggregate';
import { QuestionAction } from '../domain/question.transitions';
import { ActionNonPermiseError, QuestionIntrouvableError } from '../domain/questions.errors';
import { QuestionRepository } from '../persistence/question.repository';
import { QuestionView, QuestionViewReader } from '../queries/question-view.reader';

export function auteurOf(ctx: AuthContext): Auteur {
  return { acteur: { id: ctx.userId, displayName: ctx.displayName, role: ctx.role }, unite: unitesOf(ctx)[0] };
}

/** The scope facts the access rules need, read in the same transaction. */
export async function scopeOf(manager: EntityManager, ctx: AuthContext, q: Question, knownHeld?: boolean): Promise<QuestionScope> {
  const s = q.snapshot;
  let held = knownHeld ?? false;
  if (ctx.directionId && knownHeld === undefined) {
    const rows = await manager.query(
      `SELECT 1 FROM question_acces_direction WHERE direction_id = $1 AND question_created_at = $2 AND question_id = $3`,
      [ctx.directionId, s.createdAt, s.id],
    );
    held = rows.length > 0;
  }
  return {
    maisonId: s.maisonId,
    directionId: s.directionId,
    referentId: s.referentId,
    heldByCallerDirection: held,
    correspondantDuTheme: s.maisonId !== ctx.maisonId && (await correspondantDuTheme(manager, ctx, s.themeId, s.dispositifId)),
  };
}

/**
 * The shape of every question command: load → check scope (404), If-Match (412), role (403)
 * → act (409 on a forbidden move) → save state, timeline and outbox in one transaction, with
 * the SLA clocks the new events change (ADR 0006) → the answer read in that same transaction →
 * after commit, publish the events in-process and arm the clocks' timers.
 */
@Injectable()
export class QuestionCommandRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: QuestionRepository,
    private readonly views: QuestionViewReader,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly sla: SlaInRequest,
  ) {}

  /**
   * Runs a transition and answers the question as the caller sees it once it is done, clocks
   * included. The answer is read before commit: once committed, nothing can fail the request.
   */
  async run(ctx: AuthContext, questionId: string, expectedVersion: number | undefined, action: QuestionAction, act: Act): Promise<QuestionView> {
    const { question, plan, view } = await this.dataSource.transaction(async (manager) => {
      const applied = await this.apply(manager, ctx, questionId, expectedVersion, action, act);
      return { ...applied, view: await this.views.read(manager, ctx, questionId) };
    });
    this.publisher.mergeObjectContext(question).commit();
    this.sla.arm(plan);
    // Out of the caller's sight after its own move (not a case of today's rules): as a read would say.
    if (!view) throw new QuestionIntrouvableError();
    return view;
  }

  /**
   * `run` for a creating POST (a message) under an Idempotency-Key: the key is claimed in the
   * same transaction, and the answer (the question as the caller then saw it) is stored with it,
   * so a replay writes nothing and returns the first answer.
   */
  async runIdempotent(
    ctx: AuthContext,
    questionId: string,
    action: 'message',
    act: Act,
    idempotency: { key: string | undefined; scope: string; body: unknown },
  ): Promise<IdempotentResponse<QuestionView> & { replayed: boolean }> {
    return createIdempotently(
      this.dataSource,
      { userId: ctx.userId, ...idempotency },
      async (manager) => {
        const aggregate = await this.apply(manager, ctx, questionId, undefined, action, act);
        return { aggregate, status: 201, body: (await this.views.read(manager, ctx, questionId))! };
      },
      ({ question, plan }) => {
        this.publisher.mergeObjectContext(question).commit();
        this.sla.arm(plan);
      },
    );
  }

  /**
   * `run` for a move that changes no state and answers something else than the question (the
   * tracking link): same checks, same transaction and after-commit steps; `act` returns the answer.
   */
  async runReturning<T>(ctx: AuthContext, questionId: string, action: 'lien_suivi', act: (question: Question, auteur: Auteur, at: Date, manager: EntityManager) => Promise<T>): Promise<T> {
    let answer!: T;
    const { question, plan } = await this.dataSource.transaction((manager) =>
      this.apply(manager, ctx, questionId, undefined, action, async (q, a, at, m) => {
        answer = await act(q, a, at, m);
      }),
    );
    this.publisher.mergeObjectContext(question).commit();
    this.sla.arm(plan);
    return answer;
  }

  private async apply(
    manager: EntityManager,
    ctx: AuthContext,
    questionId: string,
    expectedVersion: number | undefined,
    action: QuestionAction | 'message' | 'lien_suivi',
    act: Act,
  ): Promise<{ question: Question; plan: TimerPlan }> {
    // Before the question row: the lock order that timer fires share (cursor, clocks, ticket).
    const verrou = await this.sla.lock(manager, 'question', questionId);
    const found = await this.repository.loadWithAccess(manager, questionId, ctx.directionId ?? null);
    if (!found) throw new QuestionIntrouvableError();
    const loaded = found.question;
    const scope = await scopeOf(manager, ctx, loaded, found.held);
    if (!canReadQuestion(ctx, scope)) throw new QuestionIntrouvableError();
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) throw new StaleVersionError(expectedVersion, loaded.version);
    const permitted = action === 'lien_suivi' ? canGiveLienSuivi(ctx, scope) : action === 'message' ? canWriteMessage(ctx, scope) : canAct(ctx, scope, action);
    if (!permitted) throw new ActionNonPermiseError(action);
    await act(loaded, auteurOf(ctx), this.clock.now(), manager);
    const ecrits = await this.repository.save(manager, loaded);
    const s = loaded.snapshot;
    // What the derivation would read again: the question's facts and the events just appended.
    const plan = await this.sla.derive(manager, verrou, { question: { maison_id: s.maisonId, priorite: s.priorite, theme_id: s.themeId }, ecrits });
    return { question: loaded, plan };
  }
}

type Act = (question: Question, auteur: Auteur, at: Date, manager: EntityManager) => void | Promise<void>;
