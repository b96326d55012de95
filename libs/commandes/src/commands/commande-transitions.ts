import { Type } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AuthContext, IdempotentResponse } from '@app/core';
import type { Visibilite } from '@app/timeline';
import { PolitiqueCommandes } from '../commandes.policy';
import type { Auteur, Avancement, Commande } from '../domain/commande.aggregate';
import type { AffectationAction } from '../domain/commande.transitions';
import { ReferencesReader } from '../persistence/references.reader';
import { BriefInput, briefChanges } from './brief-input';
import { CommandeCommandRunner } from './commande-command.runner';
import type { AffectationAvecCommande, CommandeView } from '../queries/commande-view.reader';

/** A command answers the commande (or the assignment with its commande) as the caller then sees it, read in its transaction. */
type CommandeResult = CommandeView;
type AffectationResult = AffectationAvecCommande;

/** Common fields of a command on an existing commande; `expectedVersion` is the commande's. */
abstract class CommandeCommand extends Command<CommandeResult> {
  constructor(
    readonly ctx: AuthContext,
    readonly commandeId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

/** Common fields of a command on one assignment; `expectedVersion` is the assignment's. */
abstract class AffectationCommand extends Command<AffectationResult> {
  constructor(
    readonly ctx: AuthContext,
    readonly affectationId: string,
    readonly expectedVersion?: number,
  ) {
    super();
  }
}

/** A command on an assignment that carries one text: a question, an answer, a motif. */
abstract class AffectationTexteCommand extends AffectationCommand {
  constructor(ctx: AuthContext, affectationId: string, readonly texte: string, expectedVersion?: number) {
    super(ctx, affectationId, expectedVersion);
  }
}

// ——— The commande ———

export class ModifierCommandeCommand extends CommandeCommand {
  constructor(ctx: AuthContext, commandeId: string, readonly input: BriefInput, expectedVersion?: number) {
    super(ctx, commandeId, expectedVersion);
  }
}
/** Edits a draft: only the fields sent change; the MdRs and thème named anew are checked against the directory. */
@CommandHandler(ModifierCommandeCommand)
export class ModifierCommandeHandler implements ICommandHandler<ModifierCommandeCommand, CommandeResult> {
  constructor(
    private readonly runner: CommandeCommandRunner,
    private readonly references: ReferencesReader,
  ) {}
  execute(c: ModifierCommandeCommand) {
    return this.runner.onCommande(c.ctx, c.commandeId, c.expectedVersion, 'modifier', async (commande, auteur, at, manager) => {
      commande.assertPeut('modifier');
      const changes = briefChanges(c.input, commande.snapshot.brief.livrables);
      const annuaire = await this.references.constater(manager, { maisonIds: changes.maisonIds, themeId: changes.themeId });
      commande.modifier(auteur, at, changes, annuaire);
    });
  }
}

export class EmettreCommandeCommand extends CommandeCommand {}
/** Issues the commande when its brief is complete: the N assignments are created in the same transaction. */
@CommandHandler(EmettreCommandeCommand)
export class EmettreCommandeHandler implements ICommandHandler<EmettreCommandeCommand, CommandeResult> {
  constructor(
    private readonly runner: CommandeCommandRunner,
    private readonly references: ReferencesReader,
    private readonly politique: PolitiqueCommandes,
  ) {}
  execute(c: EmettreCommandeCommand) {
    return this.runner.onCommande(c.ctx, c.commandeId, c.expectedVersion, 'emettre', async (commande, auteur, at, manager) => {
      commande.assertPeut('emettre');
      const inconnues = await this.references.maisonsInconnues(manager, commande.snapshot.brief.maisonIds);
      commande.emettre(auteur, at, this.politique, inconnues);
    });
  }
}

export class AnnulerCommandeCommand extends CommandeCommand {
  constructor(ctx: AuthContext, commandeId: string, readonly motif: string, expectedVersion?: number) {
    super(ctx, commandeId, expectedVersion);
  }
}
@CommandHandler(AnnulerCommandeCommand)
export class AnnulerCommandeHandler implements ICommandHandler<AnnulerCommandeCommand, CommandeResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: AnnulerCommandeCommand) {
    return this.runner.onCommande(c.ctx, c.commandeId, c.expectedVersion, 'annuler', (commande, auteur, at) => commande.annuler(auteur, at, c.motif));
  }
}

/** A message on the fil: a creating POST, so it takes an Idempotency-Key and answers the commande as first seen. */
export class AjouterMessageCommandeCommand extends Command<IdempotentResponse<CommandeView> & { replayed: boolean }> {
  constructor(
    readonly ctx: AuthContext,
    readonly commandeId: string,
    readonly texte: string,
    readonly visibilite: Visibilite,
    readonly idempotencyKey?: string,
  ) {
    super();
  }
}
/** A message on the fil: shared with every participant, or internal to the author's unit. */
@CommandHandler(AjouterMessageCommandeCommand)
export class AjouterMessageCommandeHandler implements ICommandHandler<AjouterMessageCommandeCommand> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: AjouterMessageCommandeCommand) {
    return this.runner.onCommandeIdempotent(c.ctx, c.commandeId, 'ecrire', (commande, auteur, at) => commande.ajouterMessage(auteur, at, c.texte, c.visibilite), {
      key: c.idempotencyKey,
      scope: `POST /commandes/${c.commandeId}/messages`,
      body: { texte: c.texte, visibilite: c.visibilite },
    });
  }
}

// ——— One MdR's assignment ———

export class AccuserReceptionCommand extends AffectationCommand {}
export class DemanderClarificationCommand extends AffectationTexteCommand {}
export class ClarifierCommand extends AffectationTexteCommand {}
export class ValiderAffectationCommand extends AffectationCommand {}
export class RenvoyerAffectationCommand extends AffectationTexteCommand {}
export class AnnulerAffectationCommand extends AffectationTexteCommand {}

export class SignalerAvancementCommand extends AffectationCommand {
  constructor(ctx: AuthContext, affectationId: string, readonly avancement: Avancement, expectedVersion?: number) {
    super(ctx, affectationId, expectedVersion);
  }
}

export class LivrerCommand extends AffectationCommand {
  constructor(ctx: AuthContext, affectationId: string, readonly note: string, readonly liens: string[], expectedVersion?: number) {
    super(ctx, affectationId, expectedVersion);
  }
}

/** A handler that calls one aggregate method on one assignment through the runner: every assignment move. */
function affectationHandler<C extends AffectationCommand>(
  command: Type<C>,
  action: AffectationAction,
  act: (commande: Commande, affectationId: string, auteur: Auteur, at: Date, command: C) => void,
): Type<unknown> {
  @CommandHandler(command)
  class Handler {
    constructor(readonly runner: CommandeCommandRunner) {}
    execute(c: C): Promise<AffectationResult> {
      return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, action, (commande, id, auteur, at) =>
        act(commande, id, auteur, at, c),
      );
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${command.name.replace(/Command$/, '')}Handler` });
  return Handler;
}

export const AccuserReceptionHandler = affectationHandler(AccuserReceptionCommand, 'accuser_reception', (commande, id, auteur, at) =>
  commande.accuserReception(id, auteur, at),
);
export const DemanderClarificationHandler = affectationHandler(DemanderClarificationCommand, 'demander_clarification', (commande, id, auteur, at, c) =>
  commande.demanderClarification(id, auteur, at, c.texte),
);
export const ClarifierHandler = affectationHandler(ClarifierCommand, 'clarifier', (commande, id, auteur, at, c) => commande.clarifier(id, auteur, at, c.texte));
export const SignalerAvancementHandler = affectationHandler(SignalerAvancementCommand, 'signaler_avancement', (commande, id, auteur, at, c) =>
  commande.signalerAvancement(id, auteur, at, c.avancement),
);
export const LivrerHandler = affectationHandler(LivrerCommand, 'livrer', (commande, id, auteur, at, c) =>
  commande.livrer(id, auteur, at, { note: c.note, liens: c.liens }),
);
/** Validating the last delivery closes the commande in the same transaction. */
export const ValiderAffectationHandler = affectationHandler(ValiderAffectationCommand, 'valider', (commande, id, auteur, at) => commande.valider(id, auteur, at));
export const RenvoyerAffectationHandler = affectationHandler(RenvoyerAffectationCommand, 'renvoyer', (commande, id, auteur, at, c) =>
  commande.renvoyer(id, auteur, at, c.texte),
);
export const AnnulerAffectationHandler = affectationHandler(AnnulerAffectationCommand, 'annuler', (commande, id, auteur, at, c) =>
  commande.annulerAffectation(id, auteur, at, c.texte),
);

export const COMMANDE_TRANSITION_HANDLERS = [
  ModifierCommandeHandler,
  EmettreCommandeHandler,
  AnnulerCommandeHandler,
  AjouterMessageCommandeHandler,
  AccuserReceptionHandler,
  DemanderClarificationHandler,
  ClarifierHandler,
  SignalerAvancementHandler,
  LivrerHandler,
  ValiderAffectationHandler,
  RenvoyerAffectationHandler,
  AnnulerAffectationHandler,
];
