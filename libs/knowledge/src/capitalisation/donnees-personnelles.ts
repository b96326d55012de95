/** What the question records of its usager, to keep it out of a published or suggested text. */
export interface UsagerConnu {
  nom: string | null;
  email: string | null;
  telephone: string | null;
}

const sansAccents = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The name's words worth looking for: three letters or more (not « de », « Le »). */
function motsDuNom(nom: string | null): string[] {
  return [...new Set((nom ?? '').match(/[\p{L}'’-]+/gu)?.map((m) => m.replace(/^['’-]+|['’-]+$/g, '')).filter((m) => m.length >= 3) ?? [])];
}

/** A French number written `04 68 11 22 33`, `+33 4 68…` or `0468112233`: its last nine digits. */
function chiffresTelephone(telephone: string | null): string | null {
  const digits = (telephone ?? '').replace(/\D/g, '');
  return digits.length >= 6 ? digits.slice(-9) : null;
}

const TELEPHONE_DANS_TEXTE = /\+?\d[\d .()-]{4,}\d/g;

/**
 * Which of the usager's data the text mentions: a word of the name (whole word, accents and
 * case ignored), the e-mail address, or the phone number however it is spaced.
 */
export function donneesPersonnellesCitees(texte: string, usager: UsagerConnu): Array<'nom' | 'email' | 'telephone'> {
  const found: Array<'nom' | 'email' | 'telephone'> = [];
  const t = sansAccents(texte);
  const mots = new Set(t.match(/[\p{L}\p{N}]+/gu) ?? []);
  if (motsDuNom(usager.nom).some((m) => sansAccents(m).split(/['’-]/).filter((p) => p.length >= 3).some((p) => mots.has(p)))) found.push('nom');
  if (usager.email && t.includes(usager.email.toLowerCase())) found.push('email');
  const tel = chiffresTelephone(usager.telephone);
  if (tel && (texte.match(TELEPHONE_DANS_TEXTE) ?? []).some((m) => m.replace(/\D/g, '').endsWith(tel))) found.push('telephone');
  return found;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with the usager's name, e-mail and phone replaced by « [usager] » (suggested answers of questions the caller may not open). */
export function masquerUsager(texte: string, usager: UsagerConnu): string {
  let out = texte;
  if (usager.email) out = out.replace(new RegExp(escape(usager.email), 'gi'), '[usager]');
  const tel = chiffresTelephone(usager.telephone);
  if (tel) out = out.replace(TELEPHONE_DANS_TEXTE, (m) => (m.replace(/\D/g, '').endsWith(tel) ? '[usager]' : m));
  for (const mot of motsDuNom(usager.nom)) {
    const lettres = [...sansAccents(mot)].map((c) => (/[a-z]/.test(c) ? `${c}\\p{M}*` : escape(c))).join('');
    out = out.normalize('NFD').replace(new RegExp(`(?<![\\p{L}\\p{N}])${lettres}(?![\\p{L}\\p{N}])`, 'giu'), '[usager]').normalize('NFC');
  }
  return out;
}

/** The message of a refusal naming what was found. */
export function messageDonneesPersonnelles(found: Array<'nom' | 'email' | 'telephone'>): string {
  const libelles = { nom: 'le nom', email: 'l’adresse e-mail', telephone: 'le numéro de téléphone' };
  return `Reformulez sans donnée personnelle : le texte contient ${found.map((f) => libelles[f]).join(', ')} de l’usager.`;
}
