import { Candidat, classerCandidats } from './referent-ranking';

const c = (displayName: string, over: Partial<Candidat> = {}): Candidat => ({
  referentId: `r-${displayName}`,
  userId: `u-${displayName}`,
  displayName,
  nommePourDispositif: false,
  nommePourTheme: false,
  reponses: 0,
  delaiMedianHeures: null,
  ...over,
});

describe('classerCandidats', () => {
  it('puts the most answers first, then the fastest median', () => {
    const order = classerCandidats([
      c('Lent', { reponses: 3, delaiMedianHeures: 40 }),
      c('Rare', { reponses: 1, delaiMedianHeures: 1 }),
      c('Rapide', { reponses: 3, delaiMedianHeures: 2 }),
    ]).map((x) => x.displayName);
    expect(order).toEqual(['Rapide', 'Lent', 'Rare']);
  });

  it('falls back to the directory (dispositif, then thème, then name) for those who never answered', () => {
    const order = classerCandidats([
      c('Zoé'),
      c('Théo', { nommePourTheme: true }),
      c('Anne'),
      c('Paul', { nommePourDispositif: true }),
    ]).map((x) => x.displayName);
    expect(order).toEqual(['Paul', 'Théo', 'Anne', 'Zoé']);
  });

  it('ranks anyone with an answer before any named référent without one', () => {
    const [first] = classerCandidats([c('Nommé', { nommePourDispositif: true }), c('Répondant', { reponses: 1, delaiMedianHeures: 100 })]);
    expect(first.displayName).toBe('Répondant');
  });
});
