import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, EventPublisher, ICommandHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, Clock, createIdempotently } from '@app/core';
import { uniteEmettriceOf } from '../domain/commande.access';
import { Commande } from '../domain/commande.aggregate';
import { CreationNonPermiseError } from '../domain/commandes.errors';
import { CommandeRepository } from '../persistence/commande.repository';
import { ReferencesReader } from '../persistence/references.reader';
import { CommandeView, CommandeViewReader } from '../queries/commande-view.reader';
import { BRIEF_VIDE, BriefInput, briefChanges } from './brief-input';
import { auteurOf } from './commande-command.runner';

export class RedigerCommandeCommand extends Command<{ status: number; body: CommandeView; replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly input: BriefInput,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}

/**
 * The Cabinet (or a direction's manager) drafts a commande; the brief may be incomplete, never
 * wrong. The draft, its first timeline event, its outbox row and the idempotency key commit
 * together: a retried POST with the same key returns the first response and creates nothing.
 */
@CommandHandler(RedigerCommandeCommand)
export class RedigerCommandeHandler implements ICommandHandler<RedigerCommandeCommand> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CommandeRepository,
    private readonly references: ReferencesReader,
    private readonly views: CommandeViewReader,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async execute({ ctx, input, idempotencyKey }: RedigerCommandeCommand) {
    const unite = uniteEmettriceOf(ctx);
    if (!unite) throw new CreationNonPermiseError();
    return createIdempotently(
      this.dataSource,
      { userId: ctx.userId, key: idempotencyKey, scope: 'POST /commandes', body: input },
      async (manager) => {
        const brief = { ...BRIEF_VIDE, ...briefChanges(input) };
        const annuaire = await this.references.constater(manager, brief);
        const at = this.clock.now();
        const commande = Commande.rediger(
          {
            id: randomUUID(),
            reference: await this.repository.nextReference(manager, at),
            brief,
            emetteurId: ctx.userId,
            emetteurUnite: unite,
            createdAt: at,
          },
          auteurOf(ctx),
          annuaire,
        );
        await this.repository.insert(manager, commande);
        return { aggregate: commande, status: 201, body: (await this.views.read(manager, ctx, commande.id))! };
      },
      (commande) => this.publisher.mergeObjectContext(commande).commit(),
    );
  }
}
