import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthContext, Clock, createIdempotently, IdempotentResponse, StaleVersionError } from '@app/core';
import { SlaInRequest, TimerPlan } from '@app/sla';
import { unitesOf } from '@app/timeline';
import { canReadCommande, refusAffectation, refusCommande } from '../domain/commande.access';
import { Auteur, Commande } from '../domain/commande.aggregate';
import { AffectationAction, CommandeAction } from '../domain/commande.transitions';
import { actionRefusee, AffectationIntrouvableError, CommandeIntrouvableError } from '../domain/commandes.errors';
import { CommandeRepository } from '../persistence/commande.repository';
import { AffectationAvecCommande, CommandeView, CommandeViewReader } from '../queries/commande-view.reader';

export function auteurOf(ctx: AuthContext): Auteur {
  return { acteur: { id: ctx.userId, displayName: ctx.displayName, role: ctx.role }, unite: unitesOf(ctx)[0] };
}

type Act<T extends unknown[]> = (commande: Commande, ...args: [...T, Auteur, Date, EntityManager]) => void | Promise<void>;

/**
 * The shape of every command on an existing commande or assignment: lock and load the
 * commande → scope (404) → If-Match (412) → role (403) → act (409 on a forbidden move, 422 on
 * a refused brief) → save state, timeline and outbox in one transaction, with the SLA clocks the
 * new events change (ADR 0006) → the answer read in that same transaction → after commit,
 * publish the events in-process and arm the clocks' timers.
 */
@Injectable()
export class CommandeCommandRunner {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CommandeRepository,
    private readonly views: CommandeViewReader,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    private readonly sla: SlaInRequest,
  ) {}

  /**
   * A command on the commande itself; If-Match is the commande's version. Answers the commande
   * as the caller sees it after the command, clocks included, read before commit.
   */
  async onCommande(
    ctx: AuthContext,
    commandeId: string,
    expectedVersion: number | undefined,
    action: CommandeAction,
    act: Act<[]>,
  ): Promise<CommandeView> {
    const { commande, plan, view } = await this.dataSource.transaction(async (manager) => {
      const applied = await this.applyOnCommande(manager, ctx, commandeId, expectedVersion, action, act);
      return { ...applied, view: await this.views.read(manager, ctx, commandeId) };
    });
    this.publisher.mergeObjectContext(commande).commit();
    this.sla.arm(plan);
    if (!view) throw new CommandeIntrouvableError();
    return view;
  }

  /**
   * `onCommande` for a creating POST (a message) under an Idempotency-Key: the key is claimed in
   * the same transaction, and the answer (the commande as the caller then saw it) is stored with
   * it, so a replay writes nothing and returns the first answer.
   */
  async onCommandeIdempotent(
    ctx: AuthContext,
    commandeId: string,
    action: CommandeAction,
    act: Act<[]>,
    idempotency: { key: string | undefined; scope: string; body: unknown },
  ): Promise<IdempotentResponse<CommandeView> & { replayed: boolean }> {
    return createIdempotently(
      this.dataSource,
      { userId: ctx.userId, ...idempotency },
      async (manager) => {
        const aggregate = await this.applyOnCommande(manager, ctx, commandeId, undefined, action, act);
        return { aggregate, status: 201, body: (await this.views.read(manager, ctx, commandeId))! };
      },
      ({ commande, plan }) => {
        this.publisher.mergeObjectContext(commande).commit();
        this.sla.arm(plan);
      },
    );
  }

  private async applyOnCommande(
    manager: EntityManager,
    ctx: AuthContext,
    commandeId: string,
    expectedVersion: number | undefined,
    action: CommandeAction,
    act: Act<[]>,
  ): Promise<{ commande: Commande; plan: TimerPlan }> {
    // Before the commande row: the lock order that timer fires share (cursor, clocks, ticket).
    const verrou = await this.sla.lock(manager, 'commande', commandeId);
    const loaded = await this.repository.load(manager, commandeId, true);
    if (!loaded) throw new CommandeIntrouvableError();
    const scope = loaded.scopePour(ctx.email);
    if (!canReadCommande(ctx, scope)) throw new CommandeIntrouvableError();
    if (expectedVersion !== undefined && expectedVersion !== loaded.version) throw new StaleVersionError(expectedVersion, loaded.version);
    const refus = refusCommande(ctx, scope, action);
    if (refus) throw actionRefusee(refus, action, 'commande');
    await act(loaded, auteurOf(ctx), this.clock.now(), manager);
    await this.repository.save(manager, loaded);
    return { commande: loaded, plan: await this.sla.derive(manager, verrou) };
  }

  /**
   * A command on one assignment; If-Match is the assignment's version. Outside the caller's
   * scope the assignment does not exist (404), as its commande. Answers the assignment and its
   * commande as the caller sees them after the command, clocks included, read before commit.
   */
  async onAffectation(
    ctx: AuthContext,
    affectationId: string,
    expectedVersion: number | undefined,
    action: AffectationAction,
    act: Act<[string]>,
  ): Promise<AffectationAvecCommande> {
    const { commande, plan, view } = await this.dataSource.transaction(async (manager) => {
      const commandeId = await this.repository.commandeIdOf(manager, affectationId);
      const verrou = commandeId ? await this.sla.lock(manager, 'commande', commandeId) : null;
      const loaded = commandeId ? await this.repository.load(manager, commandeId, true) : null;
      const affectation = loaded?.affectation(affectationId);
      if (!verrou || !loaded || !affectation) throw new AffectationIntrouvableError();
      const scope = loaded.scopePour(ctx.email);
      if (!canReadCommande(ctx, scope)) throw new AffectationIntrouvableError();
      if (expectedVersion !== undefined && expectedVersion !== affectation.version) throw new StaleVersionError(expectedVersion, affectation.version);
      const refus = refusAffectation(ctx, scope, action, affectation.maisonId);
      if (refus) throw actionRefusee(refus, action, 'affectation');
      await act(loaded, affectationId, auteurOf(ctx), this.clock.now(), manager);
      await this.repository.save(manager, loaded);
      const plan = await this.sla.derive(manager, verrou);
      return { commande: loaded, plan, view: await this.views.readAffectation(manager, ctx, affectationId) };
    });
    this.publisher.mergeObjectContext(commande).commit();
    this.sla.arm(plan);
    if (!view) throw new AffectationIntrouvableError();
    return view;
  }
}
