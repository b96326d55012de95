import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AuthContext, DomainError } from '@app/core';
import type { Visibilite } from '@app/timeline';
import { RoutingReader } from '../persistence/routing.reader';
import { QuestionCommandRunner } from './question-command.runner';

type Result = { id: string; version: number };

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

export class RepondreLocalementCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly reponse: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(RepondreLocalementCommand)
export class RepondreLocalementHandler implements ICommandHandler<RepondreLocalementCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: RepondreLocalementCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'repondre_localement', (q, a, at) => q.repondreLocalement(a, at, c.reponse));
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

export class PrendreEnChargeCommand extends QuestionCommand {}
@CommandHandler(PrendreEnChargeCommand)
export class PrendreEnChargeHandler implements ICommandHandler<PrendreEnChargeCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: PrendreEnChargeCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'prendre_en_charge', (q, a, at) => q.prendreEnCharge(a, at));
  }
}

export class DemanderInfoCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly message: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(DemanderInfoCommand)
export class DemanderInfoHandler implements ICommandHandler<DemanderInfoCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: DemanderInfoCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'demander_info', (q, a, at) => q.demanderInfo(a, at, c.message));
  }
}

export class FournirInfoCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly message: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(FournirInfoCommand)
export class FournirInfoHandler implements ICommandHandler<FournirInfoCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: FournirInfoCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'fournir_info', (q, a, at) => q.fournirInfo(a, at, c.message));
  }
}

export class RepondreQuestionCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly reponse: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(RepondreQuestionCommand)
export class RepondreQuestionHandler implements ICommandHandler<RepondreQuestionCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: RepondreQuestionCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'repondre', (q, a, at) => q.repondre(a, at, c.reponse));
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

export class CloreQuestionCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly issue: string | null, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(CloreQuestionCommand)
export class CloreQuestionHandler implements ICommandHandler<CloreQuestionCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: CloreQuestionCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'clore', (q, a, at) => q.clore(a, at, c.issue));
  }
}

export class RouvrirQuestionCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly motif: string, expectedVersion?: number) {
    super(ctx, questionId, expectedVersion);
  }
}
@CommandHandler(RouvrirQuestionCommand)
export class RouvrirQuestionHandler implements ICommandHandler<RouvrirQuestionCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: RouvrirQuestionCommand) {
    return this.runner.run(c.ctx, c.questionId, c.expectedVersion, 'rouvrir', (q, a, at) => q.rouvrir(a, at, c.motif));
  }
}

export class AjouterMessageCommand extends QuestionCommand {
  constructor(ctx: AuthContext, questionId: string, readonly texte: string, readonly visibilite: Visibilite) {
    super(ctx, questionId);
  }
}
@CommandHandler(AjouterMessageCommand)
export class AjouterMessageHandler implements ICommandHandler<AjouterMessageCommand, Result> {
  constructor(private readonly runner: QuestionCommandRunner) {}
  execute(c: AjouterMessageCommand) {
    return this.runner.run(c.ctx, c.questionId, undefined, 'message', (q, a, at) => q.ajouterMessage(a, at, c.texte, c.visibilite));
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
