/**
 * When two questions "look alike" (ADR 0017): their objets, reduced to French stems by the
 * `fr_relais` configuration (accents, plurals and stop words gone), share at least two stems, and
 * at least half of the shorter one's. The dispositif's own name is noise (every question on
 * Ec'Eau Tourisme says "tourisme"): its stems are removed first.
 */
export const RESSEMBLANCE_MIN_COMMUNES = 2;
export const RESSEMBLANCE_MIN_PART = 0.5;

/** The stems that say something: a question's lexemes without the dispositif's name nor the leftovers of elisions and pronouns ("il", "le" out of "sont-ils", "les"). */
export function racinesUtiles(lexemes: readonly string[], bruit: ReadonlySet<string>): Set<string> {
  return new Set(lexemes.filter((l) => l.length >= 3 && !bruit.has(l)));
}

export function seRessemblent(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  let communes = 0;
  for (const x of a) if (b.has(x)) communes += 1;
  return communes >= RESSEMBLANCE_MIN_COMMUNES && communes >= RESSEMBLANCE_MIN_PART * Math.min(a.size, b.size);
}
