import { motsRecherche, requetesCandidats, requeteDeLexemes } from './suggestions.service';

describe('suggestion queries', () => {
  it('keeps letters and digits only: no tsquery syntax gets through', () => {
    expect(motsRecherche("L'hébergement & camping | !eau:* (2026) a")).toEqual(['hébergement', 'camping', 'eau', '2026']);
  });

  it('chooses candidates by the rare lexemes, OR’ed, then the two least common AND’ed', () => {
    const frequences = new Map([
      ['aid', 0.2],
      ['financ', 0.3],
      ['camping', 0.015],
    ]);
    expect(requetesCandidats(['aid', 'camping', 'pluvial'], frequences)).toEqual(["'camping' | 'pluvial'", "'aid'"]);
    expect(requetesCandidats(['aid', 'financ'], frequences)).toEqual(["'aid' & 'financ'"]);
    expect(requetesCandidats(['financ', 'eau', 'aid', 'camping'], new Map([...frequences, ['eau', 0.1]]))).toEqual(["'camping'", "'eau' & 'aid'"]);
    // No statistics (a young database): every lexeme is rare.
    expect(requetesCandidats(['aid', 'financ'], new Map())).toEqual(["'aid' | 'financ'"]);
    expect(requeteDeLexemes(["l'eau"], '|')).toBe("'l''eau'");
  });
});
