import type { components } from '../api/schema';
import type { Tone } from '../shared/page';

export type Commande = components['schemas']['CommandeDto'];
export type Affectation = components['schemas']['AffectationDto'];
export type AffectationAvecCommande = components['schemas']['AffectationAvecCommandeDto'];
export type AffectationStatut = Affectation['statut'];
export type AffectationAction = Affectation['actions'][number];
export type CommandeStatut = Commande['statut'];
export type FilEvenement = components['schemas']['FilEvenementDto'];

export const COMMANDE_STATUT_LIBELLE: Record<CommandeStatut, string> = {
  brouillon: 'brouillon',
  emise: 'émise',
  close: 'close',
  annulee: 'annulée',
};

/** The Maison's side of a commande (its affectation), as the Maison reads it. */
export const AFFECTATION_STATUT_LIBELLE: Record<AffectationStatut, string> = {
  envoyee: 'à accuser réception',
  accusee: 'réception accusée',
  en_cours: 'en cours',
  clarification_demandee: 'clarification demandée',
  livree: 'livrée',
  renvoyee: 'renvoyée à la Maison',
  validee: 'validée',
  annulee: 'annulée',
};

export const AFFECTATION_STATUT_TONE: Record<AffectationStatut, Tone> = {
  envoyee: 'info',
  accusee: 'info',
  en_cours: 'info',
  clarification_demandee: 'warning',
  livree: 'success',
  renvoyee: 'warning',
  validee: 'success',
  annulee: 'neutral',
};

/** The Maison's affectation in a commande (null when the Maison is not targeted). */
export function affectationDe(commande: Commande, maisonId: string | null | undefined): Affectation | null {
  if (!maisonId) return null;
  return commande.affectations.find((a) => a.maison.id === maisonId) ?? null;
}

/** "Maison de Ma Région – Foix" → "Foix": the short name fits a sentence and a table cell. */
export function nomCourtMaison(nom: string | null | undefined): string {
  if (!nom) return 'Maison inconnue';
  const parts = nom.split(/\s+[–-]\s+/);
  return parts.length > 1 ? parts[parts.length - 1]! : nom;
}

/** The material the Cabinet provides, in words. */
export function materielLibelle(materiel: Commande['materiel']): string[] | string {
  if (materiel === 'aucun') return 'Aucun matériel fourni';
  if (materiel === null || materiel.length === 0) return 'Non précisé';
  return materiel;
}

export function joursOuvres(n: number): string {
  return `${n} jour${n > 1 ? 's' : ''} ouvré${n > 1 ? 's' : ''}`;
}

/** One clarification of an affectation: the Maison's question and, once given, the issuer's answer. */
export interface Clarification {
  question: string;
  demandeeAt: string;
  demandeePar: string | null;
  reponse: string | null;
  apporteeAt: string | null;
  apporteePar: string | null;
}

/** The clarifications of one affectation, oldest first, read from the commande's shared fil. */
export function clarificationsDe(fil: FilEvenement[], affectationId: string): Clarification[] {
  const out: Clarification[] = [];
  for (const event of fil) {
    if (event.data.affectationId !== affectationId) continue;
    if (event.type === 'affectation.clarification_demandee') {
      out.push({ question: String(event.data.question ?? ''), demandeeAt: event.at, demandeePar: event.acteur?.displayName ?? null, reponse: null, apporteeAt: null, apporteePar: null });
    } else if (event.type === 'affectation.clarification_apportee') {
      const pending = [...out].reverse().find((c) => c.reponse === null);
      if (pending) Object.assign(pending, { reponse: String(event.data.reponse ?? ''), apporteeAt: event.at, apporteePar: event.acteur?.displayName ?? null });
    }
  }
  return out;
}

/** What a timeline phrase needs to name things: Maisons and deliverables by id. */
export interface FilContexte {
  /** Maison id → name. */
  maisons?: Record<string, string>;
  /** Affectation id → its Maison id (SLA events name the affectation only). */
  affectations?: Record<string, string>;
  /** Livrable id → libellé. */
  livrables?: Record<string, string>;
}

/** The naming context of a commande's fil, from the commande as read. */
export function contexteDe(commande: Pick<Commande, 'maisons' | 'affectations' | 'livrables'>): FilContexte {
  const maisons: Record<string, string> = {};
  for (const m of commande.maisons) if (m.nom) maisons[m.id] = m.nom;
  for (const a of commande.affectations) maisons[a.maison.id] ??= a.maison.nom;
  return {
    maisons,
    affectations: Object.fromEntries(commande.affectations.map((a) => [a.id, a.maison.id])),
    livrables: Object.fromEntries(commande.livrables.map((l) => [l.id, l.libelle])),
  };
}

const EVENEMENT: Record<string, string> = {
  'commande.redigee': 'a rédigé la commande',
  'commande.brief_modifie': 'a modifié le cahier des charges',
  'commande.emise': 'a émis la commande',
  'commande.annulee': 'a annulé la commande',
  'commande.close': 'La commande est close : toutes les affectations sont terminées',
  'commande.message': 'a écrit un message',
  'affectation.accusee': 'a accusé réception',
  'affectation.clarification_demandee': 'a demandé une clarification',
  'affectation.clarification_apportee': 'a apporté une clarification',
  'affectation.avancement_signale': 'a signalé l’avancement',
  'affectation.livree': 'a livré',
  'affectation.validee': 'a validé la livraison',
  'affectation.renvoyee': 'a renvoyé la livraison',
  'affectation.annulee': 'a retiré la Maison de la commande',
  'sla.avertissement': 'Délai à risque : le seuil d’alerte est atteint',
  'sla.depassement': 'Délai dépassé : l’échéance est passée',
  'sla.calendrier_modifie': 'Les échéances ont été recalculées (calendrier modifié)',
  'sla.politique_desactivee': 'La politique de délai a été désactivée',
};

const HORLOGE: Record<string, string> = {
  accuse_reception: 'accusé de réception',
  echeance_commande: 'échéance de la commande',
  echeance_livrable: 'échéance d’un livrable',
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * One commande timeline event in plain French, naming the Maison of an affectation event:
 * "Claire Vidal a accusé réception (Foix)", "Avancement signalé : 60 %" comes in the details.
 */
export function phraseCommande(event: Pick<FilEvenement, 'type' | 'data' | 'acteur'> & { visibilite?: FilEvenement['visibilite'] }, contexte: FilContexte = {}): string {
  const text = event.type === 'commande.message' && event.visibilite === 'interne' ? 'a écrit une note interne' : EVENEMENT[event.type];
  const acteur = event.acteur?.displayName ?? null;
  const affectationId = typeof event.data.affectationId === 'string' ? event.data.affectationId : null;
  const maisonId = typeof event.data.maisonId === 'string' ? event.data.maisonId : affectationId ? (contexte.affectations?.[affectationId] ?? null) : null;
  const nom = maisonId ? contexte.maisons?.[maisonId] : undefined;
  const maison = nom ? nomCourtMaison(nom) : null;
  const pour = maison ? ` (${maison})` : '';
  if (!text) return `Événement « ${event.type} »${acteur ? ` (${acteur})` : ''}`;
  if (event.type.startsWith('sla.')) {
    let horloge = typeof event.data.horloge === 'string' ? HORLOGE[event.data.horloge] : undefined;
    const livrable = typeof event.data.livrableId === 'string' ? contexte.livrables?.[event.data.livrableId] : undefined;
    if (event.data.horloge === 'echeance_livrable' && livrable) horloge = `échéance du livrable « ${livrable} »`;
    return `${text}${horloge ? ` — ${horloge}` : ''}${pour}`;
  }
  if (event.type === 'commande.close') return text;
  if (event.type === 'commande.annulee' && event.data.automatique === true) return 'La commande est annulée : toutes les Maisons en ont été retirées';
  const phrase = acteur ? `${acteur} ${text}` : capitalise(text);
  if (event.type === 'affectation.annulee') return phrase.replace('la Maison', maison ? `la Maison de ${maison}` : 'une Maison');
  return `${phrase}${pour}`;
}

/** The details of an event worth reading in full (the words people wrote, the figures they gave). */
export function detailsCommande(event: Pick<FilEvenement, 'type' | 'data'>, contexte: FilContexte = {}): Array<{ label: string; text: string }> {
  const out: Array<{ label: string; text: string }> = [];
  const d = event.data;
  const texte = (key: string, label: string) => {
    if (typeof d[key] === 'string' && (d[key] as string).trim()) out.push({ label, text: d[key] as string });
  };
  switch (event.type) {
    case 'commande.message':
      texte('texte', 'Message');
      break;
    case 'commande.annulee':
    case 'affectation.renvoyee':
    case 'affectation.annulee':
      texte('motif', 'Motif');
      break;
    case 'affectation.clarification_demandee':
      texte('question', 'Question');
      break;
    case 'affectation.clarification_apportee':
      texte('reponse', 'Réponse');
      break;
    case 'affectation.avancement_signale': {
      if (typeof d.pourcentage === 'number') {
        const faits = Array.isArray(d.livrablesFaits) ? (d.livrablesFaits as string[]) : [];
        const noms = faits.map((id) => contexte.livrables?.[id]).filter(Boolean);
        out.push({ label: 'Avancement', text: `${d.pourcentage} %${noms.length ? ` — livrables faits : ${noms.join(', ')}` : ''}` });
      }
      texte('note', 'Note');
      break;
    }
    case 'affectation.livree': {
      texte('note', 'Note de livraison');
      const liens = Array.isArray(d.liens) ? (d.liens as string[]) : [];
      if (liens.length) out.push({ label: 'Liens', text: liens.join('\n') });
      break;
    }
  }
  return out;
}

const dateLongue = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' });
const heureParis = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });

/**
 * A deadline as people say it: a date given without a time means "until the evening" (23:59:59
 * in Paris), shown as the day alone; otherwise the day and the time.
 */
export function formatEcheance(iso: string | null | undefined): string {
  if (!iso) return 'non précisée';
  const date = new Date(iso);
  const heure = heureParis.format(date);
  return heure === '23:59' ? dateLongue.format(date) : `${dateLongue.format(date)} à ${heure.replace(':', ' h ')}`;
}
