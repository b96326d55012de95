import { lexemesUtiles, motifPremierMot, normaliserRecherche, refusRecherche, requetes, segments } from './requete';

describe('search text (ADR 0015)', () => {
  it('normalises apostrophes, control characters and spaces', () => {
    expect(normaliserRecherche('  l’hébergement\u0000des\t\tcampings ')).toBe("l'hébergement des campings");
    expect(normaliserRecherche('Ec\u02bcEau')).toBe("Ec'Eau");
  });

  it('refuses what is not a search, in French', () => {
    expect(refusRecherche('a')).toMatch(/au moins 2 caractères/);
    expect(refusRecherche('   ')).toMatch(/au moins 2 caractères/);
    expect(refusRecherche('x'.repeat(201))).toMatch(/200 caractères/);
    expect(refusRecherche('?!;')).toMatch(/au moins un mot/);
    expect(refusRecherche('eau\ud800')).toMatch(/Unicode invalide/);
    expect(refusRecherche('eau 😀')).toBeNull();
    expect(refusRecherche('eau tourisme camping')).toBeNull();
  });

  it('keeps the lexemes worth searching: no elided letters, no "le" nor "a", at most 12', () => {
    expect(lexemesUtiles(['l', 'heberg', 'le', 'a', 'camping', 'heberg'])).toEqual(['heberg', 'camping']);
    expect(lexemesUtiles(Array.from({ length: 20 }, (_, i) => `mot${i}`))).toHaveLength(12);
  });

  it('writes tsqueries from lexemes, quoted: nothing typed is read as syntax', () => {
    expect(requetes(['eau', 'camping'])).toEqual({ tous: "'eau' & 'camping'", certains: "'eau' | 'camping'" });
    expect(requetes(["o'neil", 'a\\b'])).toEqual({ tous: "'o''neil' & 'a\\\\b'", certains: "'o''neil' | 'a\\\\b'" });
  });

  it('finds the first matching word accents ignored, with regex characters escaped', () => {
    const motif = motifPremierMot(['heberg', 'c++']);
    expect(motif).toBe('\\m(h[eéèêëEÉÈÊË]b[eéèêëEÉÈÊË]rg|[cçCÇ]\\+\\+)');
    const js = new RegExp(motif.replace('\\m', '\\b'), 'u');
    expect(js.test('Aide à l’hébergement')).toBe(true);
  });

  it('turns ts_headline’s markers into segments, and drops stray ones', () => {
    expect(segments('Aide à l’\uE000hébergement\uE001 des \uE000campings\uE001')).toEqual([
      { texte: 'Aide à l’', surligne: false },
      { texte: 'hébergement', surligne: true },
      { texte: ' des ', surligne: false },
      { texte: 'campings', surligne: true },
    ]);
    expect(segments('sans marque')).toEqual([{ texte: 'sans marque', surligne: false }]);
    expect(segments('a\uE000b')).toEqual([{ texte: 'ab', surligne: false }]);
    expect(segments('')).toEqual([]);
  });
});
