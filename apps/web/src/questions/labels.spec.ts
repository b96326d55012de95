import { phraseOf } from './labels';

describe('timeline phrases in plain French', () => {
  it('names the actor of a question event', () => {
    expect(phraseOf('question.escaladee', 'Claire Vidal')).toBe('Claire Vidal a transmis la question au siège');
    expect(phraseOf('question.information_demandee', 'Céline Granier')).toBe('Céline Granier a demandé une information à la Maison');
  });

  it('says SLA events without an actor, and never shows a raw type for a known event', () => {
    expect(phraseOf('sla.depassement', null)).toBe('Délai dépassé : l’échéance est passée');
    expect(phraseOf('sla.avertissement', null)).toMatch(/^Délai à risque/);
    expect(phraseOf('question.inconnue', 'Claire Vidal')).toBe('Événement « question.inconnue » (Claire Vidal)');
  });
});
