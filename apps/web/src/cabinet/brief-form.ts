import type { Schemas } from '../api/client';
import { type Commande, parisDay } from './labels';

export type BriefBody = Schemas['BriefDto'];

let nextKey = 0;
/** A stable key for a row the user adds (React keys, error placement). */
export const newKey = () => `r${++nextKey}`;

export interface LivrableRow {
  key: string;
  /** Known once the API has saved it (kept on every later save). */
  id?: string;
  libelle: string;
  /** yyyy-mm-dd, or '' for the commande's own deadline. */
  echeance: string;
}

export interface ContactRow {
  key: string;
  nom: string;
  role: string;
  email: string;
  telephone: string;
}

export interface MaterielRow {
  key: string;
  texte: string;
}

/** What the editor's inputs hold (strings as typed). */
export interface BriefForm {
  titre: string;
  objectif: string;
  contexte: string;
  echeance: string;
  livrables: LivrableRow[];
  materielAucun: boolean;
  materiel: MaterielRow[];
  contacts: ContactRow[];
  maisonIds: string[];
  themeId: string;
  budget: string;
  urgent: boolean;
  justificationUrgence: string;
}

export const emptyContact = (): ContactRow => ({ key: newKey(), nom: '', role: '', email: '', telephone: '' });

export function emptyForm(): BriefForm {
  return {
    titre: '',
    objectif: '',
    contexte: '',
    echeance: '',
    livrables: [{ key: newKey(), libelle: '', echeance: '' }],
    materielAucun: false,
    materiel: [],
    contacts: [emptyContact()],
    maisonIds: [],
    themeId: '',
    budget: '',
    urgent: false,
    justificationUrgence: '',
  };
}

/** The editor's values for a commande as the API answers it. */
export function formOf(c: Commande): BriefForm {
  return {
    titre: c.titre ?? '',
    objectif: c.objectif ?? '',
    contexte: c.contexte ?? '',
    echeance: parisDay(c.echeance),
    livrables: c.livrables.map((l) => ({ key: newKey(), id: l.id, libelle: l.libelle, echeance: parisDay(l.echeance) })),
    materielAucun: c.materiel === 'aucun',
    materiel: Array.isArray(c.materiel) ? c.materiel.map((texte) => ({ key: newKey(), texte })) : [],
    contacts: c.contacts.map((x) => ({ key: newKey(), nom: x.nom ?? '', role: x.role ?? '', email: x.email ?? '', telephone: x.telephone ?? '' })),
    maisonIds: c.maisons.map((m) => m.id),
    themeId: c.theme?.id ?? '',
    budget: c.budget === null ? '' : String(c.budget),
    urgent: c.urgent,
    justificationUrgence: c.justificationUrgence ?? '',
  };
}

const text = (s: string) => (s.trim() === '' ? null : s.trim());

/** A budget as typed ("1 500,50") → euros; undefined when it is not a number. */
export function parseBudget(s: string): number | null | undefined {
  const compact = s.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (compact === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(compact)) return undefined;
  return Number(compact);
}

/**
 * The brief to send, and the keys of the deliverable rows sent, in order (a row without a
 * libellé is not sent: the API refuses an empty one; the row stays on screen).
 */
export function bodyOf(form: BriefForm): { body: BriefBody; livrableKeys: string[] } {
  const livrables = form.livrables.filter((l) => l.libelle.trim() !== '');
  const materiel = form.materiel.map((m) => m.texte.trim()).filter(Boolean);
  const budget = parseBudget(form.budget);
  const body: BriefBody = {
    titre: text(form.titre),
    objectif: text(form.objectif),
    contexte: text(form.contexte),
    echeance: form.echeance || null,
    livrables: livrables.map((l) => ({ ...(l.id ? { id: l.id } : {}), libelle: l.libelle.trim(), echeance: l.echeance || null })),
    materiel: form.materielAucun ? 'aucun' : materiel.length ? materiel : null,
    contacts: form.contacts.map((c) => ({ nom: text(c.nom), role: text(c.role), email: text(c.email), telephone: text(c.telephone) })),
    maisonIds: form.maisonIds,
    themeId: form.themeId || null,
    urgent: form.urgent,
    justificationUrgence: text(form.justificationUrgence),
  };
  // A budget that is not a number stays local (said next to the field) and is not sent.
  if (budget !== undefined) body.budget = budget;
  return { body, livrableKeys: livrables.map((l) => l.key) };
}

/** The fields of `next` that differ from `saved`: a PATCH sends only those. */
export function changesOf(next: BriefBody, saved: BriefBody): Partial<BriefBody> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify((saved as Record<string, unknown>)[key])) out[key] = value;
  }
  return out as Partial<BriefBody>;
}

/** `livrables.0.libelle` (validation) and `livrables[0].libelle` (brief check) → the latter. */
export function normalizeField(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

/**
 * Where each API field name is shown in the editor: `livrables[1].echeance` → the input of
 * the second deliverable row sent. Rows are addressed by key, so errors follow their row.
 */
export function placeOf(field: string, form: BriefForm, livrableKeys: string[]): string {
  const f = normalizeField(field);
  const row = /^(livrables|contacts|materiel)\[(\d+)\](?:\.(\w+))?/.exec(f);
  if (!row) return f;
  const [, list, index, sub] = row;
  const i = Number(index);
  const key = list === 'livrables' ? livrableKeys[i] : list === 'contacts' ? form.contacts[i]?.key : form.materiel.filter((m) => m.texte.trim())[i]?.key;
  if (!key) return list;
  return sub ? `${list}.${key}.${sub}` : `${list}.${key}`;
}

/** The DOM id of an input (or group) for a placed field name. */
export const inputIdOf = (place: string) => `champ-${place.replace(/[^a-zA-Z0-9]+/g, '-')}`;
export const errorIdOf = (place: string) => `erreur-${place.replace(/[^a-zA-Z0-9]+/g, '-')}`;

/** The messages to show next to each field: the API's refusals first, then what the check says is missing. */
export interface FieldMessages {
  /** place → message of a refusal (the value was not accepted). */
  refus: Record<string, string>;
  /** place → what is missing before issuing. */
  manquants: Record<string, string>;
}

export function placeMessages(
  form: BriefForm,
  livrableKeys: string[],
  refus: Array<{ field: string; message: string }>,
  manquants: Array<{ field: string; message: string }>,
): FieldMessages {
  const out: FieldMessages = { refus: {}, manquants: {} };
  for (const e of refus) out.refus[placeOf(e.field, form, livrableKeys)] ??= e.message;
  for (const e of manquants) out.manquants[placeOf(e.field, form, livrableKeys)] ??= e.message;
  return out;
}
