import { randomUUID } from 'node:crypto';
import type { Acteur, Unite, Visibilite } from '@app/timeline';

/**
 * Base of every commande event, assignment events included: they all go on the commande's one
 * timeline (ticket 'commande', the commande id) and to the outbox. `data` holds ids, dates and
 * the staff's own words — never the contacts' names, e-mails or phone numbers (the timeline is
 * immutable; personal data must stay erasable).
 */
export abstract class CommandeEvent {
  readonly eventId = randomUUID();
  abstract readonly type: string;

  constructor(
    readonly commandeId: string,
    readonly at: Date,
    readonly acteur: Acteur | null,
    readonly data: Record<string, unknown> = {},
    readonly visibilite: Visibilite = 'partage',
    readonly unite: Unite | null = null,
  ) {}
}

/** An event about one MdR's assignment: its data always names the assignment and the MdR. */
export abstract class AffectationEvent extends CommandeEvent {
  get affectationId(): string {
    return this.data.affectationId as string;
  }
}

export class CommandeRedigeeEvent extends CommandeEvent {
  readonly type = 'commande.redigee';
}
export class BriefModifieEvent extends CommandeEvent {
  readonly type = 'commande.brief_modifie';
}
export class CommandeEmiseEvent extends CommandeEvent {
  readonly type = 'commande.emise';
}
export class CommandeAnnuleeEvent extends CommandeEvent {
  readonly type = 'commande.annulee';
}
export class CommandeCloseEvent extends CommandeEvent {
  readonly type = 'commande.close';
}
export class CommandeMessageEvent extends CommandeEvent {
  readonly type = 'commande.message';
}

export class AffectationAccuseeEvent extends AffectationEvent {
  readonly type = 'affectation.accusee';
}
export class ClarificationDemandeeEvent extends AffectationEvent {
  readonly type = 'affectation.clarification_demandee';
}
export class ClarificationApporteeEvent extends AffectationEvent {
  readonly type = 'affectation.clarification_apportee';
}
export class AvancementSignaleEvent extends AffectationEvent {
  readonly type = 'affectation.avancement_signale';
}
export class AffectationLivreeEvent extends AffectationEvent {
  readonly type = 'affectation.livree';
}
export class AffectationValideeEvent extends AffectationEvent {
  readonly type = 'affectation.validee';
}
export class AffectationRenvoyeeEvent extends AffectationEvent {
  readonly type = 'affectation.renvoyee';
}
export class AffectationAnnuleeEvent extends AffectationEvent {
  readonly type = 'affectation.annulee';
}
