import { DateTime } from 'luxon';
import type { FieldError } from '@app/core';

/** A deliverable. Its id is stable: each MdR ticks deliverables by id on its own assignment. */
export interface Livrable {
  id: string;
  libelle: string;
  /** Its own due date, if earlier than the commande's. */
  echeance: Date | null;
}

/** What the siège provides: a list, or explicitly nothing (`'aucun'`); null while not said. */
export type Materiel = string[] | 'aucun' | null;
export const MATERIEL_AUCUN = 'aucun';

/** Someone the MdRs can turn to. In a draft any field may still be missing. */
export interface Contact {
  nom: string | null;
  role: string | null;
  email: string | null;
  telephone: string | null;
}

/** The calibrated brief (cahier des charges) of a commande. */
export interface Brief {
  titre: string | null;
  objectif: string | null;
  contexte: string | null;
  echeance: Date | null;
  livrables: Livrable[];
  materiel: Materiel;
  contacts: Contact[];
  maisonIds: string[];
  themeId: string | null;
  budget: number | null;
  urgent: boolean;
  justificationUrgence: string | null;
}

export const BRIEF_CHAMPS = [
  'titre',
  'objectif',
  'contexte',
  'echeance',
  'livrables',
  'materiel',
  'contacts',
  'maisonIds',
  'themeId',
  'budget',
  'urgent',
  'justificationUrgence',
] as const;
export type BriefChamp = (typeof BRIEF_CHAMPS)[number];

/** What the rules need of a business calendar (the siège's, from @app/sla). */
export interface JoursOuvres {
  /** Business days d with localDay(a) < d <= localDay(b). */
  businessDaysBetween(a: Date, b: Date): number;
}

export const DELAI_MINIMUM_PAR_DEFAUT = 5;

export interface VerificationBrief {
  complet: boolean;
  /** Field names to fill or fix before issuing, e.g. `materiel`, `contacts[0].email`. */
  manquants: string[];
  /** Sentences for the issuer: what blocks, and what deserves a second look. */
  alertes: string[];
  /** One French message per missing field, as a 422 lists them. */
  erreurs: FieldError[];
}

interface Constat {
  field: string;
  message: string;
  /** Wrong whatever the stage: refused even when saving a draft. */
  toujours?: boolean;
}

const vide = (s: string | null | undefined) => s == null || s.trim() === '';

const DATE_FR = (d: Date) =>
  DateTime.fromJSDate(d, { zone: 'Europe/Paris' }).setLocale('fr').toFormat('d LLLL yyyy');

/** The rules of a complete brief, in field order; also the errors a draft may never hold. */
function constater(brief: Brief, now: Date, calendrier: JoursOuvres, delaiMinimum: number): { constats: Constat[]; alertes: string[] } {
  const constats: Constat[] = [];
  const alertes: string[] = [];
  const manque = (field: string, message: string, toujours = false) => constats.push({ field, message, toujours });

  if (vide(brief.titre)) manque('titre', 'Le titre est obligatoire.');
  if (vide(brief.objectif)) manque('objectif', 'L’objectif est obligatoire : dites ce que la commande doit produire et pourquoi.');
  if (vide(brief.contexte)) alertes.push('Aucun contexte n’est donné : les Maisons comprendront mieux la demande avec quelques lignes de contexte.');

  const echeance = brief.echeance;
  const echeanceValide = echeance !== null && echeance.getTime() > now.getTime();
  if (echeance === null) manque('echeance', 'L’échéance est obligatoire.');
  else if (!echeanceValide) manque('echeance', `L’échéance (${DATE_FR(echeance)}) est passée : choisissez une date à venir.`, true);

  if (brief.livrables.length === 0) manque('livrables', 'Au moins un livrable est obligatoire.');
  brief.livrables.forEach((l, i) => {
    if (vide(l.libelle)) manque(`livrables[${i}].libelle`, 'Le libellé du livrable est obligatoire.');
    if (l.echeance === null) return;
    if (l.echeance.getTime() <= now.getTime()) {
      manque(`livrables[${i}].echeance`, `L’échéance du livrable (${DATE_FR(l.echeance)}) est passée.`, true);
    } else if (echeance !== null && l.echeance.getTime() > echeance.getTime()) {
      manque(`livrables[${i}].echeance`, 'Un livrable ne peut pas être dû après l’échéance de la commande.', true);
    }
  });

  if (brief.materiel === null || (Array.isArray(brief.materiel) && brief.materiel.length === 0)) {
    manque('materiel', 'Listez le matériel fourni aux Maisons, ou indiquez explicitement « aucun ».');
  }

  if (brief.contacts.length === 0) manque('contacts', 'Au moins un contact est obligatoire, avec un moyen de le joindre.');
  brief.contacts.forEach((c, i) => {
    if (vide(c.nom)) manque(`contacts[${i}].nom`, 'Le nom du contact est obligatoire.');
    if (vide(c.role)) manque(`contacts[${i}].role`, 'Le rôle du contact est obligatoire.');
    if (vide(c.email) && vide(c.telephone)) manque(`contacts[${i}].email`, 'Donnez une adresse e-mail ou un téléphone pour joindre ce contact.');
  });

  if (brief.maisonIds.length === 0) manque('maisonIds', 'Choisissez au moins une Maison de la Région destinataire.');
  else if (new Set(brief.maisonIds.map((id) => id.toLowerCase())).size !== brief.maisonIds.length) {
    manque('maisonIds', 'Une Maison de la Région est citée deux fois.', true);
  }

  if (echeanceValide) {
    const jours = calendrier.businessDaysBetween(now, echeance);
    const delai = `${jours} jour${jours > 1 ? 's' : ''} ouvré${jours > 1 ? 's' : ''}`;
    if (jours < delaiMinimum) {
      const justifiee = brief.urgent && !vide(brief.justificationUrgence);
      if (!brief.urgent) manque('urgent', `L’échéance ne laisse que ${delai}, moins que le délai minimum de ${delaiMinimum} : marquez la commande urgente.`);
      if (vide(brief.justificationUrgence)) manque('justificationUrgence', 'Justifiez l’urgence : pourquoi les Maisons n’ont-elles pas le délai habituel ?');
      alertes.push(
        justifiee
          ? `Commande urgente : l’échéance ne laisse que ${delai} aux Maisons (délai minimum : ${delaiMinimum}).`
          : `L’échéance ne laisse que ${delai} aux Maisons, moins que le délai minimum de ${delaiMinimum} jours ouvrés : une commande aussi courte doit être marquée urgente et justifiée.`,
      );
    } else if (brief.urgent) {
      alertes.push(`La commande est marquée urgente alors que l’échéance laisse ${delai} (délai minimum : ${delaiMinimum}).`);
    }
  }
  return { constats, alertes };
}

/**
 * Is the brief complete enough to be issued? `manquants` names every field to fill or fix,
 * `alertes` explains in French what blocks and what deserves a second look. The MdRs that do
 * not exist are the caller's business (the directory is not pure); a repeated one is caught here.
 */
export function verifierBrief(brief: Brief, now: Date, calendrier: JoursOuvres, delaiMinimum = DELAI_MINIMUM_PAR_DEFAUT): VerificationBrief {
  const { constats, alertes } = constater(brief, now, calendrier, delaiMinimum);
  const manquants = [...new Set(constats.map((c) => c.field))];
  const bloquantes = constats.filter((c) => c.toujours).map((c) => c.message);
  return {
    complet: constats.length === 0,
    manquants,
    alertes: [...bloquantes, ...alertes],
    erreurs: constats.map(({ field, message }) => ({ field, message })),
  };
}

/**
 * What a draft may never hold, even incomplete: a past deadline, a deliverable due after the
 * commande or already past, an MdR listed twice.
 */
export function erreursBrief(brief: Brief, now: Date): FieldError[] {
  const sansCalendrier: JoursOuvres = { businessDaysBetween: () => Number.MAX_SAFE_INTEGER };
  return constater(brief, now, sansCalendrier, 0)
    .constats.filter((c) => c.toujours)
    .map(({ field, message }) => ({ field, message }));
}

/** What the directory says of the ids a brief names (read by the caller: the directory is not pure). */
export interface ConstatAnnuaire {
  maisonsInconnues: readonly string[];
  themeInconnu: boolean;
}

export const ANNUAIRE_OK: ConstatAnnuaire = { maisonsInconnues: [], themeInconnu: false };

export function erreursAnnuaire(constat: ConstatAnnuaire): FieldError[] {
  const errors: FieldError[] = [];
  const n = constat.maisonsInconnues.length;
  if (n > 0) {
    errors.push({
      field: 'maisonIds',
      message: `${n > 1 ? 'Ces Maisons de la Région n’existent' : 'Cette Maison de la Région n’existe'} pas dans l’annuaire : ${constat.maisonsInconnues.join(', ')}.`,
    });
  }
  if (constat.themeInconnu) errors.push({ field: 'themeId', message: 'Ce thème n’existe pas dans l’annuaire.' });
  return errors;
}

const DATE_SEULE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_HEURE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Is this an échéance the API accepts: a calendar date, or a date-time with its offset? */
export function estEcheanceLisible(value: string): boolean {
  return parseEcheance(value) !== null;
}

/**
 * A calendar date `2026-12-18` means "by the end of that day" in Paris (what people mean by a
 * deadline); a date-time must carry its offset, so that nobody guesses a time zone.
 */
export function parseEcheance(value: string): Date | null {
  if (DATE_SEULE.test(value)) {
    const day = DateTime.fromISO(value, { zone: 'Europe/Paris' });
    return day.isValid ? day.endOf('day').toJSDate() : null;
  }
  if (DATE_HEURE.test(value)) {
    const at = DateTime.fromISO(value, { setZone: true });
    return at.isValid ? at.toJSDate() : null;
  }
  return null;
}
