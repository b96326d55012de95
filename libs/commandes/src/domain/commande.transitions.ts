/** The states of a commande (DESIGN.md, "The commande flow"). */
export const COMMANDE_STATUTS = ['brouillon', 'emise', 'close', 'annulee'] as const;
export type CommandeStatut = (typeof COMMANDE_STATUTS)[number];

/**
 * What can be done to the commande itself. `clore` is never asked for: the commande closes by
 * itself when its last open assignment ends. `ecrire` (a message on the fil) is in the table so
 * that "a cancelled commande accepts nothing more" is one rule, not a special case.
 */
export const COMMANDE_ACTIONS = ['modifier', 'emettre', 'annuler', 'clore', 'ecrire'] as const;
export type CommandeAction = (typeof COMMANDE_ACTIONS)[number];

export const COMMANDE_TRANSITIONS: Record<CommandeAction, Partial<Record<CommandeStatut, CommandeStatut>>> = {
  modifier: { brouillon: 'brouillon' },
  emettre: { brouillon: 'emise' },
  // A draft can be abandoned too: it keeps its fil instead of disappearing.
  annuler: { brouillon: 'annulee', emise: 'annulee' },
  clore: { emise: 'close' },
  ecrire: { brouillon: 'brouillon', emise: 'emise', close: 'close' },
};

export function nextCommandeStatut(from: CommandeStatut, action: CommandeAction): CommandeStatut | null {
  return COMMANDE_TRANSITIONS[action][from] ?? null;
}

/** The states of one MdR's assignment. */
export const AFFECTATION_STATUTS = [
  'envoyee',
  'accusee',
  'en_cours',
  'clarification_demandee',
  'livree',
  'renvoyee',
  'validee',
  'annulee',
] as const;
export type AffectationStatut = (typeof AFFECTATION_STATUTS)[number];

export const AFFECTATION_ACTIONS = [
  'accuser_reception',
  'demander_clarification',
  'clarifier',
  'signaler_avancement',
  'livrer',
  'valider',
  'renvoyer',
  'annuler',
] as const;
export type AffectationAction = (typeof AFFECTATION_ACTIONS)[number];

/** `clarifier` goes back to the state the assignment was in when the MdR asked. */
export const ETAT_PRECEDENT = 'etat_precedent' as const;
type Cible = AffectationStatut | typeof ETAT_PRECEDENT;

/**
 * The one table of allowed moves of an assignment: action → (from → to). Anything absent is
 * refused with a 409. Beyond the DESIGN.md chain (see ADR 0005):
 * - a clarification can also be asked after a delivery was sent back (the motif may be unclear);
 * - an MdR may deliver straight from `accusee` (the work can be done before any progress report);
 * - a progress report resumes a sent-back assignment (`renvoyee` → `en_cours`);
 * - the issuer may withdraw one MdR (`annuler`) at any point before validation.
 */
export const AFFECTATION_TRANSITIONS: Record<AffectationAction, Partial<Record<AffectationStatut, Cible>>> = {
  accuser_reception: { envoyee: 'accusee' },
  demander_clarification: {
    envoyee: 'clarification_demandee',
    accusee: 'clarification_demandee',
    en_cours: 'clarification_demandee',
    renvoyee: 'clarification_demandee',
  },
  clarifier: { clarification_demandee: ETAT_PRECEDENT },
  signaler_avancement: { accusee: 'en_cours', en_cours: 'en_cours', renvoyee: 'en_cours' },
  livrer: { accusee: 'livree', en_cours: 'livree', renvoyee: 'livree' },
  valider: { livree: 'validee' },
  renvoyer: { livree: 'renvoyee' },
  annuler: {
    envoyee: 'annulee',
    accusee: 'annulee',
    en_cours: 'annulee',
    clarification_demandee: 'annulee',
    livree: 'annulee',
    renvoyee: 'annulee',
  },
};

/** States a clarification may be asked from, hence may return to. */
export const AVANT_CLARIFICATION: readonly AffectationStatut[] = Object.keys(AFFECTATION_TRANSITIONS.demander_clarification) as AffectationStatut[];

/**
 * The state an action leads to, or null when the table forbids it. For `clarifier`, the
 * state the assignment left when the clarification was asked (`precedent`).
 */
export function nextAffectationStatut(
  from: AffectationStatut,
  action: AffectationAction,
  precedent: AffectationStatut | null = null,
): AffectationStatut | null {
  const to = AFFECTATION_TRANSITIONS[action][from];
  if (to === undefined) return null;
  if (to === ETAT_PRECEDENT) return precedent !== null && AVANT_CLARIFICATION.includes(precedent) ? precedent : null;
  return to;
}

/** An assignment still expected to produce something: it can be late. */
export const AFFECTATION_OUVERTE: readonly AffectationStatut[] = ['envoyee', 'accusee', 'en_cours', 'clarification_demandee', 'renvoyee'];
/** An assignment that is over: the commande closes when all of them are. */
export const AFFECTATION_TERMINEE: readonly AffectationStatut[] = ['validee', 'annulee'];

/**
 * An assignment whose work is handed in: delivered, or validated by the issuer. It counts as
 * complete in every progress figure (100 %, every deliverable of the brief done): delivering is
 * the MdR handing in the whole work, validating is the issuer accepting it. A delivery sent back
 * (`renvoyee`) shows the MdR's own figures again, as last reported.
 */
export const AFFECTATION_REMISE: readonly AffectationStatut[] = ['livree', 'validee'];

/** Actions of the targeted MdR; the others belong to the issuer. */
export const ACTIONS_MAISON: readonly AffectationAction[] = ['accuser_reception', 'demander_clarification', 'signaler_avancement', 'livrer'];

export const LIBELLE_COMMANDE_ACTION: Record<CommandeAction, string> = {
  modifier: 'modifier le cahier des charges de',
  emettre: 'émettre',
  annuler: 'annuler',
  clore: 'clore',
  ecrire: 'écrire sur',
};

export const LIBELLE_COMMANDE_STATUT: Record<CommandeStatut, string> = {
  brouillon: 'brouillon',
  emise: 'émise',
  close: 'close',
  annulee: 'annulée',
};

export const LIBELLE_AFFECTATION_ACTION: Record<AffectationAction, string> = {
  accuser_reception: 'accuser réception de',
  demander_clarification: 'demander une clarification sur',
  clarifier: 'apporter une clarification à',
  signaler_avancement: 'signaler l’avancement de',
  livrer: 'livrer',
  valider: 'valider',
  renvoyer: 'renvoyer',
  annuler: 'annuler',
};

export const LIBELLE_AFFECTATION_STATUT: Record<AffectationStatut, string> = {
  envoyee: 'envoyée',
  accusee: 'accusée',
  en_cours: 'en cours',
  clarification_demandee: 'clarification demandée',
  livree: 'livrée',
  renvoyee: 'renvoyée',
  validee: 'validée',
  annulee: 'annulée',
};
