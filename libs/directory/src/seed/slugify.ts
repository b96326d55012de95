/**
 * A stable URL-safe code from a French label: `Saint-Gaudens` → `saint-gaudens`,
 * `Ec'Eau Tourisme` → `eceau-tourisme`. Codes are the seed's natural keys, so this must never
 * change behaviour once data exists (a changed code would duplicate a row instead of updating it).
 */
export function slugify(label: string): string {
  const slug = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '') // accents, once NFD has split them off their letter
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    // An apostrophe joins (Ec'Eau → eceau, L'OCCAL → loccal), as people type these names.
    .replace(/['’ʼ`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) throw new Error(`Cannot derive a code from « ${label} »: give it an explicit one.`);
  return slug;
}
