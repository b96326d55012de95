import { DomainError } from '@app/core';
import { LIBELLE_ACTION, LIBELLE_STATUT, QuestionAction, QuestionStatut } from './question.transitions';

/** « de » before a verb, elided before a vowel: « d’escalader », « de répondre ». */
export function deVerbe(action: QuestionAction): string {
  const verbe = LIBELLE_ACTION[action];
  return /^[aeiouyéèêh]/i.test(verbe) ? `d’${verbe}` : `de ${verbe}`;
}

export class TransitionInterditeError extends DomainError {
  constructor(statut: QuestionStatut, action: QuestionAction) {
    super(
      'QUESTION_TRANSITION_INTERDITE',
      'conflict',
      `Impossible ${deVerbe(action)} : la question est « ${LIBELLE_STATUT[statut]} ».`,
      { statutActuel: statut, action },
    );
  }
}

export class QuestionIntrouvableError extends DomainError {
  constructor() {
    super('QUESTION_INTROUVABLE', 'not_found', 'Question introuvable.');
  }
}

export class ActionNonPermiseError extends DomainError {
  constructor(action: QuestionAction | 'message' | 'lien_suivi') {
    super(
      'QUESTION_ACTION_NON_PERMISE',
      'forbidden',
      action === 'message'
        ? 'Votre rôle ne permet pas d’écrire sur cette question.'
        : action === 'lien_suivi'
          ? 'Seuls les agents et responsables de la Maison de la question remettent un lien de suivi à l’usager.'
          : `Votre rôle ne permet pas ${deVerbe(action)} cette question.`,
    );
  }
}

export class SuiviExpireError extends DomainError {
  constructor() {
    super(
      'QUESTION_SUIVI_EXPIRE',
      'conflict',
      'La question est close depuis trop longtemps : son lien de suivi ne fonctionnerait plus.',
      { statutActuel: 'close' },
    );
  }
}

export class ReferenceInvalideError extends DomainError {
  constructor(field: string, message: string) {
    super('QUESTION_CHAMP_INVALIDE', 'unprocessable', message, { errors: [{ field, message }] });
  }
}
