import { racinesUtiles, seRessemblent } from './ressemblance';

const s = (...x: string[]) => new Set(x);

describe('seRessemblent', () => {
  it('needs two common stems, and half of the shorter objet', () => {
    expect(seRessemblent(s('camping', 'heberg', 'eligibl'), s('heberg', 'camping', 'plafond'))).toBe(true);
    expect(seRessemblent(s('camping', 'heberg'), s('camping', 'salari'))).toBe(false);
    // Two in common out of six each: too little of either to be the same question.
    expect(seRessemblent(s('a', 'b', 'c', 'd', 'e', 'f'), s('a', 'b', 'g', 'h', 'i', 'j'))).toBe(false);
    expect(seRessemblent(s('a', 'b', 'c', 'd'), s('a', 'b', 'x', 'y', 'z', 'w'))).toBe(true);
    expect(seRessemblent(s(), s())).toBe(false);
  });

  it('ignores the dispositif’s own name', () => {
    const bruit = s('eau', 'tourism');
    const a = racinesUtiles(['eau', 'tourism', 'camping'], bruit);
    const b = racinesUtiles(['eau', 'tourism', 'formation'], bruit);
    expect([...a]).toEqual(['camping']);
    expect(seRessemblent(a, b)).toBe(false);
  });
});
