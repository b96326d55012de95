/**
 * What the users type, turned into what PostgreSQL searches (ADR 0015). They type words, not
 * syntax: the text is never parsed as a tsquery; PostgreSQL's own French analyser (`fr_relais`)
 * makes the lexemes, and the queries are written here from those lexemes, quoted.
 */

export const RECHERCHE_MIN = 2;
export const RECHERCHE_MAX = 200;
/** More distinct lexemes than this are not a search but a pasted text: the first ones are kept. */
export const LEXEMES_MAX = 12;

export const TYPES_RESULTAT = ['dispositif', 'document', 'reponse'] as const;
export type TypeResultat = (typeof TYPES_RESULTAT)[number];

/** A piece of an extract: shown as text, marked when it is a word the search matched. */
export interface Segment {
  texte: string;
  surligne: boolean;
}

/** ts_headline's markers: private-use characters, removed from the source text first. */
export const DEBUT_SURLIGNE = '\uE000';
export const FIN_SURLIGNE = '\uE001';

/**
 * Lexemes the French stemmer keeps but that match nearly every text: "les" (stemmed "le") and
 * "à" (unaccented "a"); single letters are the elided articles and pronouns (l', d', j').
 */
const TROP_COURANTS = new Set(['le', 'a']);

/** The typed text, cleaned: one form for apostrophes, no control characters, single spaces. */
export function normaliserRecherche(q: string): string {
  return q
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc\u02b9\u0060\u00b4]/g, "'")
    .replace(/[\u0000-\u001f\u007f-\u009f\uE000-\uF8FF]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Why this text cannot be searched (French, for problem+json's errors on `q`), or null. */
export function refusRecherche(q: string): string | null {
  if (/[\ud800-\udfff]/.test(q.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return 'contient un caractère Unicode invalide.';
  const n = normaliserRecherche(q);
  if (n.length < RECHERCHE_MIN) return `Tapez au moins ${RECHERCHE_MIN} caractères.`;
  if (n.length > RECHERCHE_MAX) return `La recherche ne doit pas dépasser ${RECHERCHE_MAX} caractères.`;
  if (!/[\p{L}\p{N}]/u.test(n)) return 'Tapez au moins un mot (lettres ou chiffres).';
  return null;
}

/** The lexemes worth searching, in a stable order, at most LEXEMES_MAX. */
export function lexemesUtiles(lexemes: string[]): string[] {
  return [...new Set(lexemes)].filter((l) => [...l].length > 1 && !TROP_COURANTS.has(l)).slice(0, LEXEMES_MAX);
}

/** A lexeme as a tsquery operand: quoted (so nothing is stemmed twice), its quotes and backslashes escaped. */
export function operande(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Every word (AND), and any word (OR): the fallback when no result has them all. */
export function requetes(lexemes: string[]): { tous: string; certains: string } {
  const operandes = lexemes.map(operande);
  return { tous: operandes.join(' & '), certains: operandes.join(' | ') };
}

const ACCENTS: Record<string, string> = {
  a: 'aàâäAÀÂÄ',
  c: 'cçCÇ',
  e: 'eéèêëEÉÈÊË',
  i: 'iîïIÎÏ',
  o: 'oôöOÔÖ',
  u: 'uùûüUÙÛÜ',
  y: 'yÿYŸ',
};

/**
 * A regular expression (PostgreSQL's) finding the first word that starts with one of the
 * lexemes, accents ignored: where the extract of a long text is cut (ADR 0015). Approximate on
 * purpose (a stem is a prefix of most of its words); missing it only moves the extract.
 */
export function motifPremierMot(lexemes: string[]): string {
  const alternatives = lexemes.map((l) =>
    [...l]
      .map((ch) => (ACCENTS[ch] ? `[${ACCENTS[ch]}]` : ch.replace(/[\\^$.|?*+()[\]{}\-/]/g, '\\$&')))
      .join(''),
  );
  return `\\m(${alternatives.join('|')})`;
}

/** ts_headline's output, markers included, as segments (no markup ever reaches the web app). */
export function segments(extrait: string): Segment[] {
  const out: Segment[] = [];
  const push = (texte: string, surligne: boolean) => {
    if (!texte) return;
    const last = out[out.length - 1];
    if (last && last.surligne === surligne) last.texte += texte;
    else out.push({ texte, surligne });
  };
  let rest = extrait;
  for (;;) {
    const start = rest.indexOf(DEBUT_SURLIGNE);
    if (start < 0) break;
    const end = rest.indexOf(FIN_SURLIGNE, start + 1);
    if (end < 0) break;
    push(rest.slice(0, start), false);
    push(rest.slice(start + 1, end), true);
    rest = rest.slice(end + 1);
  }
  push(rest.replace(/[\uE000\uE001]/g, ''), false);
  return out;
}
