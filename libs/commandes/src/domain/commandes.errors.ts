import { DomainError, FieldError } from '@app/core';
import type { VerificationBrief } from './brief';
import type { Refus } from './commande.access';
import {
  AffectationAction,
  AffectationStatut,
  CommandeAction,
  CommandeStatut,
  LIBELLE_AFFECTATION_ACTION,
  LIBELLE_AFFECTATION_STATUT,
  LIBELLE_COMMANDE_ACTION,
  LIBELLE_COMMANDE_STATUT,
} from './commande.transitions';

/** « de » elided before a vowel: « d’émettre », « de valider ». */
function de(verbe: string): string {
  return /^[aeéèêiouh]/i.test(verbe) ? `d’${verbe}` : `de ${verbe}`;
}

export class CommandeTransitionInterditeError extends DomainError {
  constructor(statut: CommandeStatut, action: CommandeAction) {
    super(
      'COMMANDE_TRANSITION_INTERDITE',
      'conflict',
      `Impossible ${de(LIBELLE_COMMANDE_ACTION[action])} cette commande : elle est « ${LIBELLE_COMMANDE_STATUT[statut]} ».`,
      { statutActuel: statut, action },
    );
  }
}

export class AffectationTransitionInterditeError extends DomainError {
  constructor(statut: AffectationStatut, action: AffectationAction) {
    super(
      'AFFECTATION_TRANSITION_INTERDITE',
      'conflict',
      `Impossible ${de(LIBELLE_AFFECTATION_ACTION[action])} cette affectation : elle est « ${LIBELLE_AFFECTATION_STATUT[statut]} ».`,
      { statutActuel: statut, action },
    );
  }
}

export class CommandeIntrouvableError extends DomainError {
  constructor() {
    super('COMMANDE_INTROUVABLE', 'not_found', 'Commande introuvable.');
  }
}

export class AffectationIntrouvableError extends DomainError {
  constructor() {
    super('AFFECTATION_INTROUVABLE', 'not_found', 'Affectation introuvable.');
  }
}

export class ActionNonPermiseError extends DomainError {
  constructor(action: CommandeAction | AffectationAction, sur: 'commande' | 'affectation') {
    const verbe = sur === 'commande' ? LIBELLE_COMMANDE_ACTION[action as CommandeAction] : LIBELLE_AFFECTATION_ACTION[action as AffectationAction];
    super('COMMANDE_ACTION_NON_PERMISE', 'forbidden', `Votre rôle ne permet pas ${de(verbe)} cette ${sur}.`, { action });
  }
}

/** An MdR user acting on an assignment of another MdR of the same commande: their role may, their Maison may not. */
export class AffectationAutreMaisonError extends DomainError {
  constructor(action: AffectationAction) {
    super(
      'COMMANDE_AFFECTATION_AUTRE_MAISON',
      'forbidden',
      `Cette affectation est celle d’une autre Maison de la Région : seule la Maison destinataire peut ${LIBELLE_AFFECTATION_ACTION[action]} cette affectation. Ouvrez celle de votre Maison.`,
      { action },
    );
  }
}

/** A manager of another issuing unit acting on the issuer's side: they issue commandes, not this one. */
export class CommandeAutreUniteError extends DomainError {
  constructor(action: CommandeAction | AffectationAction, sur: 'commande' | 'affectation') {
    const verbe = sur === 'commande' ? LIBELLE_COMMANDE_ACTION[action as CommandeAction] : LIBELLE_AFFECTATION_ACTION[action as AffectationAction];
    super(
      'COMMANDE_AUTRE_UNITE',
      'forbidden',
      `Cette commande a été émise par une autre unité que la vôtre : seule l’unité émettrice peut ${verbe} cette ${sur}.`,
      { action },
    );
  }
}

/** The 403 that says why (see Refus): the role, the Maison or the issuing unit. */
export function actionRefusee(refus: Refus, action: CommandeAction | AffectationAction, sur: 'commande' | 'affectation'): DomainError {
  if (refus === 'maison' && sur === 'affectation') return new AffectationAutreMaisonError(action as AffectationAction);
  if (refus === 'unite') return new CommandeAutreUniteError(action, sur);
  return new ActionNonPermiseError(action, sur);
}

export class CreationNonPermiseError extends DomainError {
  constructor() {
    super(
      'COMMANDE_CREATION_NON_PERMISE',
      'forbidden',
      'Seuls le Cabinet et les managers d’une direction rédigent des commandes aux Maisons de la Région.',
    );
  }
}

/** The brief cannot be issued: every missing field, with the same names as the verification. */
export class BriefIncompletError extends DomainError {
  constructor(verification: VerificationBrief) {
    super(
      'COMMANDE_BRIEF_INCOMPLET',
      'unprocessable',
      `Le cahier des charges est incomplet : ${verification.manquants.join(', ')}. Complétez-le avant d’émettre la commande.`,
      { manquants: verification.manquants, alertes: verification.alertes, errors: verification.erreurs },
    );
  }
}

/** A value no brief may hold, draft or not (past deadline, unknown MdR, …). */
export class BriefInvalideError extends DomainError {
  constructor(errors: FieldError[]) {
    super('COMMANDE_CHAMP_INVALIDE', 'unprocessable', errors.map((e) => e.message).join(' '), { errors });
  }
}
