import type { Schemas } from '../api/client';
import { formatDateTime } from '../shared/format';

export type FilEvent = Schemas['FilEvenementDto'];
export type FilVerification = Schemas['FilVerificationDto'];

/**
 * Names the fil only carries as ids, when the screen knows them: directions, Maisons, a
 * commande's affectations (→ their Maison) and deliverables.
 */
export interface Noms {
  directions?: ReadonlyMap<string, string>;
  /** Maison id → its name. */
  maisons?: ReadonlyMap<string, string>;
  /** Affectation id → its Maison's id (SLA events name the affectation only). */
  affectations?: ReadonlyMap<string, string>;
  /** Livrable id → its libellé. */
  livrables?: ReadonlyMap<string, string>;
}

/** The names a commande, as read, gives its fil: its Maisons, affectations and deliverables. */
export function nomsDeCommande(commande: {
  maisons: ReadonlyArray<{ id: string; nom?: string | null }>;
  affectations: ReadonlyArray<{ id: string; maison: { id: string; nom?: string | null } }>;
  livrables: ReadonlyArray<{ id: string; libelle: string }>;
}): Noms {
  const maisons = new Map<string, string>();
  for (const m of commande.maisons) if (m.nom) maisons.set(m.id, m.nom);
  for (const a of commande.affectations) if (a.maison.nom && !maisons.has(a.maison.id)) maisons.set(a.maison.id, a.maison.nom);
  return {
    maisons,
    affectations: new Map(commande.affectations.map((a) => [a.id, a.maison.id])),
    livrables: new Map(commande.livrables.map((l) => [l.id, l.libelle])),
  };
}

/** The names the fil itself carries: an issued commande's event lists its affectations and deliverables. */
export function nomsDuFil(events: readonly FilEvent[]): Noms {
  const affectations = new Map<string, string>();
  const livrables = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'commande.emise' && e.type !== 'commande.brief_modifie') continue;
    for (const a of Array.isArray(e.data?.affectations) ? e.data.affectations : []) {
      const { affectationId, maisonId } = (a ?? {}) as Record<string, unknown>;
      if (typeof affectationId === 'string' && typeof maisonId === 'string') affectations.set(affectationId, maisonId);
    }
    for (const l of Array.isArray(e.data?.livrables) ? e.data.livrables : []) {
      const { id, libelle } = (l ?? {}) as Record<string, unknown>;
      if (typeof id === 'string' && typeof libelle === 'string') livrables.set(id, libelle);
    }
  }
  return { affectations, livrables };
}

/** Several sources of names, the later ones winning (the screen's own over the fil's). */
export function fusionnerNoms(...sources: Noms[]): Noms {
  const merge = (key: keyof Noms) => new Map(sources.flatMap((s) => [...(s[key]?.entries() ?? [])]));
  return { directions: merge('directions'), maisons: merge('maisons'), affectations: merge('affectations'), livrables: merge('livrables') };
}

/** "Maison de Ma Région – Foix" → "Foix": the short name fits a sentence and a table cell. */
export function nomCourtMaison(nom: string | null | undefined): string {
  if (!nom) return 'Maison inconnue';
  const parts = nom.split(/\s+[–-]\s+/);
  return parts.length > 1 ? parts[parts.length - 1]! : nom;
}

/** What an SLA clock measures, as said after "Délai …". */
export const HORLOGE_LIBELLE: Record<string, string> = {
  prise_en_charge: 'de prise en charge',
  reponse: 'de réponse',
  relais: 'de transmission à l’usager',
  accuse_reception: 'd’accusé de réception',
  echeance_commande: 'de la commande',
  echeance_livrable: 'd’un livrable',
};

/** Events said the same way whoever did them: "{acteur} {phrase}", or the phrase alone. */
const EVENEMENT: Record<string, string> = {
  'question.recue': 'a enregistré la question',
  'question.repondue_localement': 'a répondu sur place',
  'question.escaladee': 'a transmis la question au siège',
  'question.prise_en_charge': 'a pris la question en charge',
  'question.information_demandee': 'a demandé une information à la Maison',
  'question.information_fournie': 'a fourni l’information demandée',
  'question.repondue': 'a répondu',
  'question.reorientee': 'a réorienté la question',
  'question.close': 'a clos la question',
  'question.rouverte': 'a rouvert la question',
  'commande.redigee': 'a rédigé la commande (brouillon)',
  'commande.brief_modifie': 'a modifié le cahier des charges',
  'sla.calendrier_modifie': 'Les échéances ont été recalculées (calendrier modifié)',
  'sla.politique_desactivee': 'La politique de délai a été désactivée',
};

/** What one affectation event says before its Maison's name: "a accusé réception (Foix)". */
const AFFECTATION: Record<string, string> = {
  'affectation.accusee': 'a accusé réception',
  'affectation.clarification_demandee': 'a demandé une clarification',
  'affectation.clarification_apportee': 'a répondu à la demande de clarification',
  'affectation.avancement_signale': 'a signalé l’avancement',
  'affectation.livree': 'a livré',
  'affectation.validee': 'a validé la livraison',
  'affectation.renvoyee': 'a renvoyé la livraison',
};

/** The staff's own words an event carries, shown under its phrase. */
const DETAILS: Array<[string, string]> = [
  ['texte', 'Message'],
  ['message', 'Message'],
  ['question', 'Question'],
  ['reponse', 'Réponse'],
  ['motif', 'Motif'],
  ['issue', 'Issue'],
  ['note', 'Note'],
];

export interface EventDetail {
  label: string;
  text: string;
  /** Web addresses (a delivery's documents), shown as links. */
  liens?: string[];
}

export interface EventDescription {
  /** Who did what, in plain French. */
  phrase: string;
  details: EventDetail[];
  /** SLA events have their own look and words. */
  sla: 'avertissement' | 'depassement' | null;
  interne: boolean;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A name the screen knows for an id (null: say nothing rather than an id). */
function nom(map: ReadonlyMap<string, string> | undefined, id: unknown): string | null {
  return typeof id === 'string' ? (map?.get(id) ?? null) : null;
}

/** The short name of the Maison an event is about: its maisonId, or its affectation's Maison. */
function maisonDe(data: Record<string, unknown>, noms: Noms): string | null {
  const maisonId = typeof data.maisonId === 'string' ? data.maisonId : nom(noms.affectations, data.affectationId);
  const full = nom(noms.maisons, maisonId);
  return full ? nomCourtMaison(full) : null;
}

/** "Délai de réponse", "Délai d’accusé de réception (Foix)", "Délai du livrable « Liste » (Limoux)". */
function delai(data: Record<string, unknown>, noms: Noms): string {
  const livrable = data.horloge === 'echeance_livrable' ? nom(noms.livrables, data.livrableId) : null;
  const horloge = livrable ? `du livrable « ${livrable} »` : (HORLOGE_LIBELLE[String(data.horloge)] ?? null);
  const maison = maisonDe(data, noms);
  return `Délai${horloge ? ` ${horloge}` : ''}${maison ? ` (${maison})` : ''}`;
}

/** One event of a fil (question or commande) in plain French, with its details. */
export function describeEvent(event: FilEvent, noms: Noms = {}): EventDescription {
  const acteur = event.acteur?.displayName ?? null;
  const data = event.data ?? {};
  const interne = event.visibilite === 'interne';
  const who = (text: string) => (acteur ? `${acteur} ${text}` : capitalize(text));
  const maison = maisonDe(data, noms);
  const pourMaison = maison ? ` (${maison})` : '';
  let phrase: string;
  switch (event.type) {
    case 'question.escaladee': {
      const vers = nom(noms.directions, data.directionId);
      const suffixe = vers ? ` : ${vers}` : data.directionId === null ? ' : coordination du réseau' : '';
      phrase = who(`${data.depuis === 'rouverte' ? 'a de nouveau transmis' : 'a transmis'} la question au siège${suffixe}`);
      break;
    }
    case 'question.reorientee': {
      const vers = nom(noms.directions, data.directionId);
      phrase = who(`a réorienté la question${vers ? ` vers ${vers}` : data.directionId === null ? ' vers la coordination du réseau' : ''}`);
      break;
    }
    case 'question.repondue_localement': {
      const r = (data.reutilisation ?? null) as { reponsePublieeId?: string; questionSourceId?: string } | null;
      phrase = who(
        r?.reponsePublieeId
          ? 'a répondu sur place avec une réponse publiée (L’info pour tous)'
          : r?.questionSourceId
            ? 'a répondu sur place avec la réponse d’une question similaire'
            : 'a répondu sur place',
      );
      break;
    }
    case 'question.reponse_publiee':
      phrase = who(`a publié la réponse dans L’info pour tous (${data.diffusion === 'externe' ? 'diffusion externe' : 'diffusion interne'})`);
      break;
    case 'question.lien_suivi_remis':
      phrase = who(data.remplace ? 'a remis un nouveau lien de suivi à l’usager (le précédent ne fonctionne plus)' : 'a remis un lien de suivi à l’usager');
      break;
    case 'question.message':
    case 'commande.message':
      phrase = who(interne ? 'a écrit une note interne' : 'a écrit un message');
      break;
    case 'sla.avertissement':
      phrase = `${delai(data, noms)} à risque : le seuil d’alerte est atteint`;
      break;
    case 'sla.depassement': {
      // data.echeance is when this timer was due: the due date for a breach.
      const echeance = str(data.echeance);
      phrase = `${delai(data, noms)} dépassé : l’échéance${echeance ? ` du ${formatDateTime(echeance)}` : ''} est passée`;
      break;
    }
    case 'commande.emise': {
      const n = Array.isArray(data.affectations) ? data.affectations.length : Array.isArray(data.maisonIds) ? data.maisonIds.length : null;
      phrase = who(`a émis la commande${n ? ` vers ${n} Maison${n > 1 ? 's' : ''}` : ''}`);
      break;
    }
    case 'commande.annulee':
      phrase = data.automatique ? 'La commande est annulée : toutes les Maisons en ont été retirées' : who('a annulé la commande');
      break;
    case 'commande.close':
      phrase = data.automatique || !acteur ? 'La commande est close : toutes les livraisons sont validées ou annulées' : who('a clos la commande');
      break;
    case 'affectation.annulee':
      phrase = who(`a retiré ${maison ? `la Maison de ${maison}` : 'une Maison'} de la commande`);
      break;
    default: {
      const affectation = AFFECTATION[event.type];
      const text = affectation ? `${affectation}${pourMaison}` : EVENEMENT[event.type];
      if (!text) phrase = `Événement « ${event.type} »${acteur ? ` (${acteur})` : ''}`;
      else phrase = event.type.startsWith('sla.') ? capitalize(text) : who(text);
    }
  }
  const sla = event.type === 'sla.depassement' ? 'depassement' : event.type === 'sla.avertissement' ? 'avertissement' : null;
  return { phrase, details: detailsOf(event, noms), sla, interne };
}

/** The words people wrote and the figures they gave, deliverables and links by name. */
function detailsOf(event: FilEvent, noms: Noms): EventDetail[] {
  const data = event.data ?? {};
  const texte = (key: string, label: string): EventDetail[] => {
    const text = str(data[key]);
    return text ? [{ label, text }] : [];
  };
  switch (event.type) {
    case 'affectation.avancement_signale': {
      const out: EventDetail[] = [];
      if (typeof data.pourcentage === 'number') {
        const faits = (Array.isArray(data.livrablesFaits) ? data.livrablesFaits : []).map((id) => nom(noms.livrables, id)).filter((n): n is string => n !== null);
        out.push({ label: 'Avancement', text: `${data.pourcentage} %${faits.length ? ` — livrables faits : ${faits.join(', ')}` : ''}` });
      }
      return [...out, ...texte('note', 'Note')];
    }
    case 'affectation.livree': {
      const liens = (Array.isArray(data.liens) ? data.liens : []).filter((l): l is string => typeof l === 'string' && l.trim() !== '');
      return [...texte('note', 'Note de livraison'), ...(liens.length ? [{ label: 'Liens', text: liens.join('\n'), liens }] : [])];
    }
    default:
      return DETAILS.flatMap(([key, label]) => texte(key, label));
  }
}

/** A link only for web addresses: anything else (javascript:, data:…) stays plain text. */
export function estLienWeb(url: string): boolean {
  return /^https?:\/\//i.test(url.trim());
}

/** A period during which an SLA clock was paused (waiting for the other side). */
export interface Suspension {
  /** seq of the event that paused the clock, and of the one that resumed it (null: still paused). */
  debutSeq: number;
  finSeq: number | null;
  debut: string;
  fin: string | null;
  /** What the clock waits for, in words. */
  attente: string;
}

const PAUSE: Record<string, { attente: string; fin: string[] }> = {
  // The response clock pauses while the Maison is asked for information (API.md).
  'question.information_demandee': { attente: 'l’information demandée à la Maison', fin: ['question.information_fournie'] },
  // An assignment's acknowledgement clock pauses while a clarification is asked.
  'affectation.clarification_demandee': {
    attente: 'la clarification demandée',
    fin: ['affectation.clarification_apportee', 'affectation.annulee', 'commande.annulee'],
  },
};

/** The paused periods of a fil, from its events: each pause is closed by its matching resume. */
export function suspensionsOf(events: readonly FilEvent[]): Suspension[] {
  const open = new Map<string, Suspension & { fins: string[] }>();
  const all: Suspension[] = [];
  const keyOf = (e: FilEvent) => (e.type.startsWith('affectation.') ? `affectation:${String(e.data?.affectationId)}` : 'ticket');
  for (const event of events) {
    const pause = PAUSE[event.type];
    if (pause) {
      const s = { debutSeq: event.seq, finSeq: null, debut: event.at, fin: null, attente: pause.attente, fins: pause.fin };
      open.set(keyOf(event), s);
      all.push(s);
      continue;
    }
    const ends = event.type === 'commande.annulee' ? [...open.keys()] : [keyOf(event)];
    for (const key of ends) {
      const s = open.get(key);
      if (s && s.fins.includes(event.type)) {
        s.finSeq = event.seq;
        s.fin = event.at;
        open.delete(key);
      }
    }
  }
  return all.map(({ debutSeq, finSeq, debut, fin, attente }) => ({ debutSeq, finSeq, debut, fin, attente }));
}

/** "Délai suspendu du 6 déc. 2026, 10:00 au 6 déc. 2026, 11:30", or "depuis" while it lasts. */
export function suspensionPhrase(s: Suspension): string {
  return s.fin
    ? `Délai suspendu du ${formatDateTime(s.debut)} au ${formatDateTime(s.fin)}, le temps d’obtenir ${s.attente}`
    : `Délai suspendu depuis le ${formatDateTime(s.debut)}, en attendant ${s.attente}`;
}

/** "1 événement vérifié", "17 événements vérifiés". */
export function plural(n: number, singular: string, pluralForm: string): string {
  return n > 1 ? pluralForm : singular;
}
