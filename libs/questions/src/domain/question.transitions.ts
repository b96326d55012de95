/** The states of a question (DESIGN.md, "The question flow"). */
export const QUESTION_STATUTS = [
  'recue',
  'repondue_localement',
  'escaladee',
  'prise_en_charge',
  'en_attente_info',
  'repondue',
  'close',
  'rouverte',
] as const;
export type QuestionStatut = (typeof QUESTION_STATUTS)[number];

/** What can be done to a question; each is one CQRS command and one past-tense event. */
export const QUESTION_ACTIONS = [
  'repondre_localement',
  'escalader',
  'prendre_en_charge',
  'demander_info',
  'fournir_info',
  'repondre',
  'reorienter',
  'clore',
  'rouvrir',
] as const;
export type QuestionAction = (typeof QUESTION_ACTIONS)[number];

/**
 * The one table of allowed moves: action → (from state → to state). Anything absent is refused.
 * - a référent may answer without claiming first (the first-response clock stops either way);
 * - reorienting is possible while the question waits in a queue or once claimed, not while the
 *   MdR is being asked for information (the référent must get the answer first);
 * - an MdR may close a question still `recue` (usager gone, duplicate), with an outcome.
 */
export const QUESTION_TRANSITIONS: Record<QuestionAction, Partial<Record<QuestionStatut, QuestionStatut>>> = {
  repondre_localement: { recue: 'repondue_localement' },
  escalader: { recue: 'escaladee', rouverte: 'escaladee' },
  prendre_en_charge: { escaladee: 'prise_en_charge' },
  demander_info: { prise_en_charge: 'en_attente_info' },
  fournir_info: { en_attente_info: 'prise_en_charge' },
  repondre: { escaladee: 'repondue', prise_en_charge: 'repondue' },
  reorienter: { escaladee: 'escaladee', prise_en_charge: 'escaladee' },
  clore: { recue: 'close', repondue_localement: 'close', repondue: 'close', rouverte: 'close' },
  rouvrir: { close: 'rouverte' },
};

export function nextStatut(from: QuestionStatut, action: QuestionAction): QuestionStatut | null {
  return QUESTION_TRANSITIONS[action][from] ?? null;
}

/** States in which the question sits with the siège (a direction or the coordination). */
export const AU_SIEGE: readonly QuestionStatut[] = ['escaladee', 'prise_en_charge', 'en_attente_info'];

export const LIBELLE_ACTION: Record<QuestionAction, string> = {
  repondre_localement: 'répondre localement',
  escalader: 'escalader',
  prendre_en_charge: 'prendre en charge',
  demander_info: 'demander une information',
  fournir_info: 'fournir l’information',
  repondre: 'répondre',
  reorienter: 'réorienter',
  clore: 'clore',
  rouvrir: 'rouvrir',
};

export const LIBELLE_STATUT: Record<QuestionStatut, string> = {
  recue: 'reçue',
  repondue_localement: 'répondue localement',
  escaladee: 'escaladée',
  prise_en_charge: 'prise en charge',
  en_attente_info: 'en attente d’information',
  repondue: 'répondue',
  close: 'close',
  rouverte: 'rouverte',
};
