import { randomUUID } from 'node:crypto';
import { FieldError, ValidationFailedError } from '@app/core';
import { Brief, Livrable, parseEcheance } from '../domain/brief';
import { BriefInvalideError } from '../domain/commandes.errors';

/** A brief as a client sends it: every field optional (a draft may be incomplete), dates as text. */
export interface BriefInput {
  titre?: string | null;
  objectif?: string | null;
  contexte?: string | null;
  /** `2026-12-18` (end of that day, Paris time) or a date-time with its offset. */
  echeance?: string | null;
  /** On an edit, a deliverable keeps its id by sending it back; one without id is new. */
  livrables?: Array<{ id?: string; libelle: string; echeance?: string | null }>;
  materiel?: string[] | 'aucun' | null;
  contacts?: Array<{ nom?: string | null; role?: string | null; email?: string | null; telephone?: string | null }>;
  maisonIds?: string[];
  themeId?: string | null;
  budget?: number | null;
  urgent?: boolean;
  justificationUrgence?: string | null;
}

export const BRIEF_VIDE: Brief = {
  titre: null,
  objectif: null,
  contexte: null,
  echeance: null,
  livrables: [],
  materiel: null,
  contacts: [],
  maisonIds: [],
  themeId: null,
  budget: null,
  urgent: false,
  justificationUrgence: null,
};

/**
 * The fields the client sent, as domain values; absent fields stay absent (an edit replaces
 * only what it names, `null` clears). A malformed date is a 400 naming the field — the DTO
 * already checked the format, this is the transport-independent backstop.
 */
export function briefChanges(input: BriefInput, livrablesActuels: readonly Livrable[] = []): Partial<Brief> {
  const malformed: FieldError[] = [];
  const date = (value: string | null | undefined, field: string): Date | null => {
    if (value == null) return null;
    const parsed = parseEcheance(value);
    if (!parsed) malformed.push({ field, message: 'doit être une date (2026-12-18) ou une date et heure avec fuseau (2026-12-18T17:00:00+01:00).' });
    return parsed;
  };
  const text = (value: string | null | undefined) => (value == null || value.trim() === '' ? null : value.trim());
  const changes: Partial<Brief> = {};
  if (input.titre !== undefined) changes.titre = text(input.titre);
  if (input.objectif !== undefined) changes.objectif = text(input.objectif);
  if (input.contexte !== undefined) changes.contexte = text(input.contexte);
  if (input.echeance !== undefined) changes.echeance = date(input.echeance, 'echeance');
  if (input.materiel !== undefined) changes.materiel = Array.isArray(input.materiel) ? input.materiel.map((m) => m.trim()) : input.materiel;
  if (input.maisonIds !== undefined) changes.maisonIds = input.maisonIds.map((id) => id.toLowerCase());
  if (input.themeId !== undefined) changes.themeId = input.themeId?.toLowerCase() ?? null;
  if (input.budget !== undefined) changes.budget = input.budget;
  if (input.urgent !== undefined) changes.urgent = input.urgent;
  if (input.justificationUrgence !== undefined) changes.justificationUrgence = text(input.justificationUrgence);
  if (input.contacts !== undefined) {
    changes.contacts = input.contacts.map((c) => ({ nom: text(c.nom), role: text(c.role), email: text(c.email), telephone: text(c.telephone) }));
  }
  const unknownIds: FieldError[] = [];
  if (input.livrables !== undefined) {
    const actuels = new Set(livrablesActuels.map((l) => l.id.toLowerCase()));
    const vus = new Set<string>();
    changes.livrables = input.livrables.map((l, i) => {
      const id = l.id?.toLowerCase();
      if (id !== undefined && (!actuels.has(id) || vus.has(id))) {
        unknownIds.push({ field: `livrables[${i}].id`, message: 'Ce livrable n’existe pas dans cette commande (laissez l’identifiant vide pour en ajouter un).' });
      }
      if (id) vus.add(id);
      return { id: id ?? randomUUID(), libelle: l.libelle.trim(), echeance: date(l.echeance, `livrables[${i}].echeance`) };
    });
  }
  if (malformed.length > 0) throw new ValidationFailedError(malformed);
  if (unknownIds.length > 0) throw new BriefInvalideError(unknownIds);
  return changes;
}
