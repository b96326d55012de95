
/** The types a document may have, as found in its first bytes by file-type; anything else is refused (415). */
export const TYPES_ACCEPTES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

export const DIFFUSIONS = ['interne', 'externe'] as const;
export type Diffusion = (typeof DIFFUSIONS)[number];

/** How many first bytes the type is read from: enough for an office file's zip entries. */
export const ECHANTILLON_TYPE = 64 * 1024;

/** A share link's token: a public link's secret token, as the usager's tracking link (ADR 0010; see @app/core). */
export { JETON_SECRET as JETON_DOCUMENT, nouveauJetonSecret as nouveauJetonDocument, hashJetonSecret as hashJetonDocument } from '@app/core';

/** Does a link open its document at `now`? Revoked or past its end: no, alike. */
export function lienValide(lien: { revoqueLe: Date | null; expireLe: Date | null }, now: Date): boolean {
  return lien.revoqueLe === null && (lien.expireLe === null || now.getTime() < lien.expireLe.getTime());
}

/**
 * The download's file name: the title made safe for a header (ASCII fallback, the French
 * title in filename*), with the extension the bytes proved.
 */
export function contentDisposition(titre: string, extension: string, inline: boolean): string {
  const base = titre.replace(/[\u0000-\u001f\u007f"\\/]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 150) || 'document';
  const ascii = base.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_');
  const name = `${base}.${extension}`;
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}.${extension}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
