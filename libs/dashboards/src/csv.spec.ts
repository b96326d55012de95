import { toCsv } from './csv';

describe('CSV for French spreadsheets', () => {
  it('starts with a BOM, separates with semicolons, ends lines with CRLF and writes decimal commas', () => {
    expect(toCsv(['Libellé', 'Taux (%)'], [['Foix', 83.3], ['Sans', null]])).toBe('\uFEFFLibellé;Taux (%)\r\nFoix;83,3\r\nSans;\r\n');
  });

  it('quotes fields holding a separator, a quote or a line break, and defuses spreadsheet formulas', () => {
    expect(toCsv(['a'], [['x;y'], ['il a dit "oui"'], ['deux\nlignes'], ['=HYPERLINK("http://x")'], ['-3']])).toBe(
      '\uFEFFa\r\n"x;y"\r\n"il a dit ""oui"""\r\n"deux\nlignes"\r\n"\'=HYPERLINK(""http://x"")"\r\n\'-3\r\n',
    );
    // Numbers are numbers, not formulas.
    expect(toCsv(['n'], [[-3]])).toBe('\uFEFFn\r\n-3\r\n');
  });
});
