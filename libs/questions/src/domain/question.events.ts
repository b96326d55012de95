import { randomUUID } from 'node:crypto';
import type { Acteur, Unite, Visibilite } from '@app/timeline';

/**
 * Base of every question event. It carries what the timeline and the outbox need; `data` never
 * holds the usager's personal data (the timeline is immutable, personal data must be erasable).
 */
export abstract class QuestionEvent {
  readonly eventId = randomUUID();
  abstract readonly type: string;

  constructor(
    readonly questionId: string,
    readonly at: Date,
    readonly acteur: Acteur | null,
    readonly data: Record<string, unknown> = {},
    readonly visibilite: Visibilite = 'partage',
    readonly unite: Unite | null = null,
  ) {}
}

export class QuestionRecueEvent extends QuestionEvent {
  readonly type = 'question.recue';
}
export class QuestionRepondueLocalementEvent extends QuestionEvent {
  readonly type = 'question.repondue_localement';
}
export class QuestionEscaladeeEvent extends QuestionEvent {
  readonly type = 'question.escaladee';
}
export class QuestionPriseEnChargeEvent extends QuestionEvent {
  readonly type = 'question.prise_en_charge';
}
export class InformationDemandeeEvent extends QuestionEvent {
  readonly type = 'question.information_demandee';
}
export class InformationFournieEvent extends QuestionEvent {
  readonly type = 'question.information_fournie';
}
export class QuestionRepondueEvent extends QuestionEvent {
  readonly type = 'question.repondue';
}
export class QuestionReorienteeEvent extends QuestionEvent {
  readonly type = 'question.reorientee';
}
export class QuestionCloseEvent extends QuestionEvent {
  readonly type = 'question.close';
}
export class QuestionRouverteEvent extends QuestionEvent {
  readonly type = 'question.rouverte';
}
export class MessageAjouteEvent extends QuestionEvent {
  readonly type = 'question.message';
}
/** The MdR gave the usager a tracking link (internal to the Maison; the token is never on the fil). */
export class LienSuiviRemisEvent extends QuestionEvent {
  readonly type = 'question.lien_suivi_remis';
}
