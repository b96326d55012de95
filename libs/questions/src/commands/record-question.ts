import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, EventPublisher, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, createIdempotently, DomainError, isMdrRole } from '@app/core';
import { Canal, Priorite, Question } from '../domain/question.aggregate';
import { QuestionRepository, UsagerData } from '../persistence/question.repository';
import { RoutingReader } from '../persistence/routing.reader';
import { QuestionView, QuestionViewReader } from '../queries/question-view.reader';
import { auteurOf } from './question-command.runner';

export interface RecordQuestionInput {
  objet: string;
  description: string;
  canal: Canal;
  priorite?: Priorite;
  dispositifId?: string | null;
  themeId?: string | null;
  usager: UsagerData;
}

export class RecordQuestionCommand extends Command<{ status: number; body: QuestionView; replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly input: RecordQuestionInput,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

/**
 * An MdR agent records an usager's question. The question, its usager data, its first timeline
 * event, its outbox row and the idempotency key commit together: a retried POST with the same
 * key returns the first response and creates nothing.
 */
@CommandHandler(RecordQuestionCommand)
export class RecordQuestionHandler implements ICommandHandler<RecordQuestionCommand> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: QuestionRepository,
    private readonly routing: RoutingReader,
    private readonly views: QuestionViewReader,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, input, idempotencyKey }: RecordQuestionCommand) {
    if (!isMdrRole(ctx.role) || !ctx.maisonId) {
      throw new DomainError('QUESTION_CREATION_NON_PERMISE', 'forbidden', 'Seuls les agents et responsables d’une Maison de la Région enregistrent des questions.');
    }
    return createIdempotently(
      this.dataSource,
      { userId: ctx.userId, key: idempotencyKey, scope: 'POST /questions', body: input },
      async (manager) => {
        const { themeId } = await this.routing.checkSubject(manager, input.dispositifId ?? null, input.themeId ?? null);
        const at = this.clock.now();
        const question = Question.recevoir(
          {
            id: randomUUID(),
            reference: await this.repository.nextReference(manager, at),
            maisonId: ctx.maisonId!,
            objet: input.objet,
            description: input.description,
            canal: input.canal,
            priorite: input.priorite ?? 'normale',
            dispositifId: input.dispositifId ?? null,
            themeId,
            createdBy: ctx.userId,
            createdAt: at,
          },
          auteurOf(ctx),
        );
        await this.repository.insert(manager, question, input.usager);
        return { aggregate: question, status: 201, body: (await this.views.read(manager, ctx, question.id, { usager: input.usager }))! };
      },
      (question) => this.publisher.mergeObjectContext(question).commit(),
    );
  }
}
