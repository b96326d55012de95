import { Question, QuestionProps } from './question.aggregate';
import { QUESTION_ACTIONS, QUESTION_STATUTS, QuestionAction, QuestionStatut } from './question.transitions';
import { TransitionInterditeError } from './questions.errors';

/**
 * The expected moves, written out by hand from DESIGN.md rather than derived from the table,
 * so that a change to the table must be made twice on purpose.
 */
const EXPECTED: Record<QuestionStatut, Partial<Record<QuestionAction, QuestionStatut>>> = {
  recue: { repondre_localement: 'repondue_localement', escalader: 'escaladee', clore: 'close' },
  repondue_localement: { clore: 'close' },
  escaladee: { prendre_en_charge: 'prise_en_charge', repondre: 'repondue', reorienter: 'escaladee' },
  prise_en_charge: { demander_info: 'en_attente_info', repondre: 'repondue', reorienter: 'escaladee' },
  en_attente_info: { fournir_info: 'prise_en_charge' },
  repondue: { clore: 'close' },
  close: { rouvrir: 'rouverte' },
  rouverte: { escalader: 'escaladee', clore: 'close' },
};

const auteur = {
  acteur: { id: '00000000-0000-4000-8000-000000000001', displayName: 'Agent', role: 'agent_mdr' },
  unite: { type: 'maison' as const, id: '00000000-0000-4000-8000-0000000000aa' },
};
const at = new Date('2026-11-25T10:00:00+01:00');

function questionIn(statut: QuestionStatut): Question {
  const props: QuestionProps = {
    id: '00000000-0000-4000-8000-000000000099',
    reference: 'Q-2026-000001',
    maisonId: auteur.unite.id,
    objet: 'Ec’Eau Tourisme',
    description: 'Financement',
    canal: 'guichet',
    priorite: 'normale',
    dispositifId: null,
    themeId: null,
    statut,
    directionId: null,
    referentId: null,
    reponse: null,
    issue: null,
    createdBy: auteur.acteur.id,
    createdAt: at,
    escaladeeAt: null,
    closedAt: null,
    version: 3,
  };
  return Question.rehydrate(props);
}

function act(question: Question, action: QuestionAction): void {
  const destination = { directionId: '00000000-0000-4000-8000-0000000000dd', referentId: null, routage: 'explicite' as const };
  switch (action) {
    case 'repondre_localement':
      return question.repondreLocalement(auteur, at, 'Voici la réponse');
    case 'escalader':
      return question.escalader(auteur, at, destination, null);
    case 'prendre_en_charge':
      return question.prendreEnCharge(auteur, at);
    case 'demander_info':
      return question.demanderInfo(auteur, at, 'Combien d’emplacements ?');
    case 'fournir_info':
      return question.fournirInfo(auteur, at, '120 emplacements');
    case 'repondre':
      return question.repondre(auteur, at, 'Éligible');
    case 'reorienter':
      return question.reorienter(auteur, at, destination, 'Pas notre direction');
    case 'clore':
      return question.clore(auteur, at, null);
    case 'rouvrir':
      return question.rouvrir(auteur, at, 'Nouvelle pièce');
  }
}

describe('question transition table', () => {
  const cases = QUESTION_STATUTS.flatMap((statut) => QUESTION_ACTIONS.map((action) => [statut, action] as const));

  it('covers every state × action pair', () => {
    expect(cases).toHaveLength(8 * 9);
  });

  it.each(cases)('%s × %s', (statut, action) => {
    const question = questionIn(statut);
    const expected = EXPECTED[statut][action];
    if (expected) {
      act(question, action);
      expect(question.statut).toBe(expected);
      const events = question.getUncommittedEvents();
      expect(events).toHaveLength(1);
      expect(events[0].questionId).toBe(question.id);
      expect(events[0].visibilite).toBe('partage');
    } else {
      expect(() => act(question, action)).toThrow(TransitionInterditeError);
      try {
        act(question, action);
      } catch (err) {
        expect((err as TransitionInterditeError).details).toEqual({ statutActuel: statut, action });
        expect((err as TransitionInterditeError).kind).toBe('conflict');
      }
      expect(question.statut).toBe(statut);
      expect(question.getUncommittedEvents()).toHaveLength(0);
    }
  });

  it('says the refusal in correct French (elision before a vowel)', () => {
    expect(() => act(questionIn('close'), 'escalader')).toThrow('Impossible d’escalader : la question est « close ».');
    expect(() => act(questionIn('close'), 'repondre')).toThrow('Impossible de répondre : la question est « close ».');
  });

  it('a message is allowed in every state and keeps the state', () => {
    for (const statut of QUESTION_STATUTS) {
      const question = questionIn(statut);
      question.ajouterMessage(auteur, at, 'note', 'interne');
      expect(question.statut).toBe(statut);
      const [event] = question.getUncommittedEvents();
      expect(event.visibilite).toBe('interne');
      expect(event.unite).toEqual(auteur.unite);
    }
  });

  it('escalating records the destination; claiming sets the référent', () => {
    const question = questionIn('recue');
    question.escalader(auteur, at, { directionId: 'd1', referentId: null, routage: 'dispositif' }, 'Besoin d’aide');
    expect(question.snapshot.directionId).toBe('d1');
    expect(question.snapshot.escaladeeAt).toEqual(at);
    question.prendreEnCharge(auteur, at);
    expect(question.snapshot.referentId).toBe(auteur.acteur.id);
  });
});
