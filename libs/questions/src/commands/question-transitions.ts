import { Type } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AuthContext, DomainError, IdempotentResponse } from '@app/core';
import type { Visibilite } from '@app/timeline';
import type { Auteur, Question } from '../domain/question.aggregate';
import type { QuestionAction } from '../domain/question.transitions';
import { enregistrerReutilisation, Reutilisation, verifierReutilisation } from '../persistence/reutilisation.writer';
import { RoutingReader } from '../persistence/routing.reader';
import type { QuestionView } from '../queries/question-view.reader';
import { QuestionCommandRunner } from './question-command.runner';

/** A transition answers the question as the caller then sees it, read in its transaction. */
type Result = QuestionView;

/** Common fields of a command on an existing question. */
abstract class QuestionCommand extends Command<Result> {
  constructor(
    readonly ctx: AuthContext,
    readonly questionId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

/** A command that carries one text: an answer, a message, a motif. */
abstract class QuestionTextCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly texte: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}

/** Answering at the desk, possibly with an earlier answer (published, or a similar question's): recorded with the transition. */
export class RepondreLocalementCommand extends QuestionTextCommand {
  constructor(ctx: AuthContext, questionId: string, texte: string, expectedVersion?: number, readonly reutilisation: Reutilisation | null = null) {
    super(ctx, questionId, texte, expectedVersion);
  }
}
export class PrendreEnChargeCommand extends QuestionCommand {}
export class DemanderInfoCommand extends QuestionTextCommand {}
export class FournirInfoCommand extends QuestionTextCommand {}
export class RepondreQuestionCommand extends QuestionTextCommand {}
export class RouvrirQuestionCommand extends QuestionTextCommand {}

export class CloreQuestionCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly issue: string | null, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}

/** A message on the thread: a creating POST, so it takes an Idempotency-Key and answers the question as first seen. */
export class AjouterMessageCommand extends Command<IdempotentResponse<QuestionView> & { replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly questionId: string,
    readonly texte: string,
    readonly visibilite: Visibilite,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

export class EscaladerQuestionCommand extends QuestionCommand {
  constructor(
    ctx: AuthContext,
    questionId: string,
    readonly vers: { directionId?: string | null; referentId?: string | null },
    readonly message: string | null,
    expectedVersion?: number,
  ) {
    super(ctx, questionId, expectedVersion);
  }
}

export class ReorienterQuestionCommand extends QuestionCommand {
  constructor(
    ctx: AuthContext,
    questionId: string,
    readonly directionId: string,
    readonly motif: string,
    readonly referentId: string | null,
    expectedVersion?: number,
  ) {
    super(ctx, questionId, expectedVersion);
  }
}

/** A handler that only calls one aggregate method through the runner: most transitions. */
function transitionHandler<C extends QuestionCommand>(
  command: Type<C>,
  action: QuestionAction,
  act: (question: Question, auteur: Auteur, at: Date, command: C) => void,
): Type<unknown> {
  @CommandHandler(command)
  class Handler {
    constructor(readonly runner: QuestionCommandRunner) {}
    execute(c: C): Promise<Result> {
      return this.runner.run(c.ctx, c.questionId, c.expectedVersion, action, (q, a, at) => act(q, a, at, c));
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${command.name.replace(/Command$/, '')}Handler` });
  return Handler;
}

/** The reuse is checked (422 naming the field) and recorded in the transition's transaction, its event naming the reused answer. */
@CommandHandler(RepondreLocalementCommand)
export class RepondreLocalementHandler implements ICommandHandler<RepondreLocalementCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: RepondreLocalementCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'repondre_localement', async (q, a, at, manager) => {
      const r = c.reutilisation;
      if (r) await verifierReutilisation(manager, q.id, r);
      q.repondreLocalement(a, at, c.texte, r);
      if (r) await enregistrerReutilisation(manager, q.snapshot, r, a.acteur.id, at);
    });
  }
}
export const PrendreEnChargeHandler = transitionHandler(PrendreEnChargeCommand, 'prendre_en_charge', (q, a, at) => q.prendreEnCharge(a, at));
export const DemanderInfoHandler = transitionHandler(DemanderInfoCommand, 'demander_info', (q, a, at, c) => q.demanderInfo(a, at, c.texte));
export const FournirInfoHandler = transitionHandler(FournirInfoCommand, 'fournir_info', (q, a, at, c) => q.fournirInfo(a, at, c.texte));
export const RepondreQuestionHandler = transitionHandler(RepondreQuestionCommand, 'repondre', (q, a, at, c) => q.repondre(a, at, c.texte));
export const CloreQuestionHandler = transitionHandler(CloreQuestionCommand, 'clore', (q, a, at, c) => q.clore(a, at, c.issue));
export const RouvrirQuestionHandler = transitionHandler(RouvrirQuestionCommand, 'rouvrir', (q, a, at, c) => q.rouvrir(a, at, c.texte));
@CommandHandler(AjouterMessageCommand)
export class AjouterMessageHandler implements ICommandHandler<AjouterMessageCommand> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: AjouterMessageCommand) {
    return this.runner.runIdempotent(c.ctx, c.questionId, 'message', (q, a, at) => q.ajouterMessage(a, at, c.texte, c.visibilite), {
      key: c.idempotencyKey,
      scope: `POST /questions/${c.questionId}/messages`,
      body: { texte: c.texte, visibilite: c.visibilite },
    });
  }
}

/** Escalation routes the question first: the direction asked for, else the dispositif's, the thème's, or the coordination. */
@CommandHandler(EscaladerQuestionCommand)
export class EscaladerQuestionHandler implements ICommandHandler<EscaladerQuestionCommand, Result> {
  constructor(
    private readonly runner: QuestionCommandRunner,
    private readonly routing: RoutingReader,
  ) {}
  execute(c: EscaladerQuestionCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'escalader', async (q, a, at, manager) => {
      const s = q.snapshot;
      const destination = await this.routing.route(manager, { dispositifId: s.dispositifId, themeId: s.themeId }, c.vers);
      q.escalader(a, at, destination, c.message);
    });
  }
}

/** Reorienting needs another direction than the current one, and a motif. */
@CommandHandler(ReorienterQuestionCommand)
export class ReorienterQuestionHandler implements ICommandHandler<ReorienterQuestionCommand, Result> {
  constructor(
    private readonly runner: QuestionCommandRunner,
    private readonly routing: RoutingReader,
  ) {}
  execute(c: ReorienterQuestionCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'reorienter', async (q, a, at, manager) => {
      const s = q.snapshot;
      if (s.directionId === c.directionId)
        throw new DomainError('QUESTION_DEJA_A_CETTE_DIRECTION', 'unprocessable', 'La question est déjà à cette direction : choisissez-en une autre.', {
          errors: [{ field: 'directionId', message: 'La question est déjà à cette direction.' }],
        });
      const destination = await this.routing.route(manager, s, { directionId: c.directionId, referentId: c.referentId });
      q.reorienter(a, at, destination, c.motif);
    });
  }
}

export const QUESTION_TRANSITION_HANDLERS = [
  RepondreLocalementHandler,
  EscaladerQuestionHandler,
  PrendreEnChargeHandler,
  DemanderInfoHandler,
  FournirInfoHandler,
  RepondreQuestionHandler,
  ReorienterQuestionHandler,
  CloreQuestionHandler,
  RouvrirQuestionHandler,
  AjouterMessageHandler,
];
