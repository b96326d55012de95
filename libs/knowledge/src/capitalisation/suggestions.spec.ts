import { motsRecherche, requeteCandidats, requeteDeLexemes } from './suggestions.service';

describe('suggestion queries', () => {
  it('keeps letters and digits only: no tsquery syntax gets through', () => {
    expect(motsRecherche("L'hébergement & camping | !eau:* (2026) a")).toEqual(['hébergement', 'camping', 'eau', '2026']);
  });

  it('chooses candidates by the rare lexemes, OR’ed; all common: AND’ed', () => {
    const frequences = new Map([
      ['aid', 0.2],
      ['financ', 0.3],
      ['camping', 0.015],
    ]);
    expect(requeteCandidats(['aid', 'camping', 'pluvial'], frequences)).toBe("'camping' | 'pluvial'");
    expect(requeteCandidats(['aid', 'financ'], frequences)).toBe("'aid' & 'financ'");
    expect(requeteCandidats(['financ', 'eau', 'aid'], new Map([...frequences, ['eau', 0.1]]))).toBe("'eau' & 'aid'");
    // No statistics yet (a young database): every lexeme is rare.
    expect(requeteCandidats(['aid', 'financ'], new Map())).toBe("'aid' | 'financ'");
    expect(requeteDeLexemes(["l'eau"], '|')).toBe("'l''eau'");
  });
});
