import { contentDisposition, hashJetonDocument, JETON_DOCUMENT, lienValide, nouveauJetonDocument } from './document';

describe('documents (pure rules)', () => {
  it('makes 256-bit URL-safe tokens and keeps only their SHA-256', () => {
    const a = nouveauJetonDocument();
    const b = nouveauJetonDocument();
    expect(a.jeton).toMatch(JETON_DOCUMENT);
    expect(a.jeton).not.toBe(b.jeton);
    expect(a.hash).toBe(hashJetonDocument(a.jeton));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.jeton);
  });

  it('a link works until revoked or past its end', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(lienValide({ revoqueLe: null, expireLe: null }, now)).toBe(true);
    expect(lienValide({ revoqueLe: null, expireLe: new Date('2026-12-07T10:00:01Z') }, now)).toBe(true);
    expect(lienValide({ revoqueLe: null, expireLe: now }, now)).toBe(false);
    expect(lienValide({ revoqueLe: new Date('2026-12-01T00:00:00Z'), expireLe: null }, now)).toBe(false);
  });

  it('names the download after the title, safe for a header, with the extension the bytes proved', () => {
    expect(contentDisposition('Règlement "Ec’Eau" / 2026', 'pdf', false)).toBe(
      `attachment; filename="Reglement Ec_Eau 2026.pdf"; filename*=UTF-8''${encodeURIComponent('Règlement Ec’Eau 2026.pdf')}`,
    );
    expect(contentDisposition('\r\n', 'png', true)).toBe(`inline; filename="document.png"; filename*=UTF-8''document.png`);
  });
});
