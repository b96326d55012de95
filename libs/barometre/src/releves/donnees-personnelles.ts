/**
 * A barometer comment carries no personal data: no e-mail address, no phone number (ADR 0020).
 * Looked for in the forms French people write them: `jean.dupont@gmail.com`, `jean (at) gmail.fr`,
 * `06 12 34 56 78`, `06.12.34.56.78`, `06-12-34-56-78`, `0612345678`, `+33 6 12 34 56 78`,
 * `+33 (0)6 12 34 56 78`, `0033 612345678`.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\]|\s(?:arobase|at)\s)\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\spoint\s)\s*[\p{L}\p{N}-]+)+/iu;
const TELEPHONE = /(?<![\p{N}])(?:(?:\+|00)\s*33\s*(?:\(\s*0\s*\)\s*)?|0)[1-9](?:[\s.\-/]*\d{2}){4}(?![\p{N}])/u;

export type DonneePersonnelle = 'email' | 'telephone';

export function donneesPersonnellesDans(texte: string): DonneePersonnelle[] {
  const found: DonneePersonnelle[] = [];
  if (EMAIL.test(texte)) found.push('email');
  if (TELEPHONE.test(texte)) found.push('telephone');
  return found;
}

export function messageDonneesPersonnelles(found: DonneePersonnelle[]): string {
  const libelles = { email: 'une adresse e-mail', telephone: 'un numéro de téléphone' };
  return `Pas de donnée personnelle dans le commentaire : il contient ${found.map((f) => libelles[f]).join(' et ')}. Reformulez sans coordonnées de l’usager.`;
}
