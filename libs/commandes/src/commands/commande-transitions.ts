import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AuthContext } from '@app/core';
import type { Visibilite } from '@app/timeline';
import { PolitiqueCommandes } from '../commandes.policy';
import type { Avancement } from '../domain/commande.aggregate';
import { ReferencesReader } from '../persistence/references.reader';
import { BriefInput, briefChanges } from './brief-input';
import { CommandeCommandRunner } from './commande-command.runner';

type CommandeResult = { id: string; version: number };
type AffectationResult = { commandeId: string; affectationId: string; version: number };

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

export class AjouterMessageCommandeCommand extends CommandeCommand {
  constructor(ctx: AuthContext, commandeId: string, readonly texte: string, readonly visibilite: Visibilite) {
    super(ctx, commandeId);
  }
}
/** A message on the fil: shared with every participant, or internal to the author's unit. */
@CommandHandler(AjouterMessageCommandeCommand)
export class AjouterMessageCommandeHandler implements ICommandHandler<AjouterMessageCommandeCommand, CommandeResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: AjouterMessageCommandeCommand) {
    return this.runner.onCommande(c.ctx, c.commandeId, undefined, 'ecrire', (commande, auteur, at) =>
      commande.ajouterMessage(auteur, at, c.texte, c.visibilite),
    );
  }
}

// ——— One MdR's assignment ———

export class AccuserReceptionCommand extends AffectationCommand {}
@CommandHandler(AccuserReceptionCommand)
export class AccuserReceptionHandler implements ICommandHandler<AccuserReceptionCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: AccuserReceptionCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'accuser_reception', (commande, id, auteur, at) =>
      commande.accuserReception(id, auteur, at),
    );
  }
}

export class DemanderClarificationCommand extends AffectationTexteCommand {}
@CommandHandler(DemanderClarificationCommand)
export class DemanderClarificationHandler implements ICommandHandler<DemanderClarificationCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: DemanderClarificationCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'demander_clarification', (commande, id, auteur, at) =>
      commande.demanderClarification(id, auteur, at, c.texte),
    );
  }
}

export class ClarifierCommand extends AffectationTexteCommand {}
@CommandHandler(ClarifierCommand)
export class ClarifierHandler implements ICommandHandler<ClarifierCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: ClarifierCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'clarifier', (commande, id, auteur, at) =>
      commande.clarifier(id, auteur, at, c.texte),
    );
  }
}

export class SignalerAvancementCommand extends AffectationCommand {
  constructor(ctx: AuthContext, affectationId: string, readonly avancement: Avancement, expectedVersion?: number) {
    super(ctx, affectationId, expectedVersion);
  }
}
@CommandHandler(SignalerAvancementCommand)
export class SignalerAvancementHandler implements ICommandHandler<SignalerAvancementCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: SignalerAvancementCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'signaler_avancement', (commande, id, auteur, at) =>
      commande.signalerAvancement(id, auteur, at, c.avancement),
    );
  }
}

export class LivrerCommand extends AffectationCommand {
  constructor(ctx: AuthContext, affectationId: string, readonly note: string, readonly liens: string[], expectedVersion?: number) {
    super(ctx, affectationId, expectedVersion);
  }
}
@CommandHandler(LivrerCommand)
export class LivrerHandler implements ICommandHandler<LivrerCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: LivrerCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'livrer', (commande, id, auteur, at) =>
      commande.livrer(id, auteur, at, { note: c.note, liens: c.liens }),
    );
  }
}

export class ValiderAffectationCommand extends AffectationCommand {}
/** Validates one MdR's delivery; the last validation closes the commande in the same transaction. */
@CommandHandler(ValiderAffectationCommand)
export class ValiderAffectationHandler implements ICommandHandler<ValiderAffectationCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: ValiderAffectationCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'valider', (commande, id, auteur, at) =>
      commande.valider(id, auteur, at),
    );
  }
}

export class RenvoyerAffectationCommand extends AffectationTexteCommand {}
@CommandHandler(RenvoyerAffectationCommand)
export class RenvoyerAffectationHandler implements ICommandHandler<RenvoyerAffectationCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: RenvoyerAffectationCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'renvoyer', (commande, id, auteur, at) =>
      commande.renvoyer(id, auteur, at, c.texte),
    );
  }
}

export class AnnulerAffectationCommand extends AffectationTexteCommand {}
@CommandHandler(AnnulerAffectationCommand)
export class AnnulerAffectationHandler implements ICommandHandler<AnnulerAffectationCommand, AffectationResult> {
  constructor(private readonly runner: CommandeCommandRunner) {}
  execute(c: AnnulerAffectationCommand) {
    return this.runner.onAffectation(c.ctx, c.affectationId, c.expectedVersion, 'annuler', (commande, id, auteur, at) =>
      commande.annulerAffectation(id, auteur, at, c.texte),
    );
  }
}

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
