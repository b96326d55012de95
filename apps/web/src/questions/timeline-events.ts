import type { Schemas } from '../api/client';
import { formatDateTime } from '../shared/format';
import { phraseOf } from './labels';

export type FilEvent = Schemas['FilEvenementDto'];
export type FilVerification = Schemas['FilVerificationDto'];

/** Names the fil only carries as ids (directions, Maisons), when the screen knows them. */
export interface Noms {
  directions?: ReadonlyMap<string, string>;
  maisons?: ReadonlyMap<string, string>;
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

export interface EventDescription {
  /** Who did what, in plain French. */
  phrase: string;
  details: Array<{ label: string; text: string }>;
  /** SLA events have their own look and words. */
  sla: 'avertissement' | 'depassement' | null;
  interne: boolean;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A direction's name when the screen knows it (null: say nothing rather than an id). */
function direction(id: unknown, noms: Noms): string | null {
  if (typeof id !== 'string') return null;
  return noms.directions?.get(id) ?? null;
}

function maison(id: unknown, noms: Noms): string | null {
  if (typeof id !== 'string') return null;
  return noms.maisons?.get(id) ?? null;
}

/** One event of a fil (question or commande) in plain French, with its details. */
export function describeEvent(event: FilEvent, noms: Noms = {}): EventDescription {
  const acteur = event.acteur?.displayName ?? null;
  const data = event.data ?? {};
  const interne = event.visibilite === 'interne';
  const who = (text: string) => (acteur ? `${acteur} ${text}` : capitalize(text));
  const pourMaison = () => {
    const nom = maison(data.maisonId, noms);
    return nom ? ` (${nom})` : '';
  };
  let phrase: string;
  switch (event.type) {
    case 'question.escaladee': {
      const vers = direction(data.directionId, noms);
      const suffixe = vers ? ` : ${vers}` : data.directionId === null ? ' : coordination du réseau' : '';
      phrase = who(`${data.depuis === 'rouverte' ? 'a de nouveau transmis' : 'a transmis'} la question au siège${suffixe}`);
      break;
    }
    case 'question.reorientee': {
      const vers = direction(data.directionId, noms);
      phrase = who(`a réorienté la question${vers ? ` vers ${vers}` : data.directionId === null ? ' vers la coordination du réseau' : ''}`);
      break;
    }
    case 'question.message':
    case 'commande.message':
      phrase = who(interne ? 'a écrit une note interne' : 'a écrit un message');
      break;
    case 'sla.avertissement':
    case 'sla.depassement': {
      const horloge = HORLOGE_LIBELLE[String(data.horloge)] ?? null;
      // data.echeance is when this timer was due: the due date for a breach, the alert threshold for a warning.
      const echeance = str(data.echeance);
      const quoi = horloge ? `Délai ${horloge}` : 'Délai';
      phrase =
        event.type === 'sla.depassement'
          ? `${quoi} dépassé : l’échéance${echeance ? ` du ${formatDateTime(echeance)}` : ''} est passée`
          : `${quoi} à risque : le seuil d’alerte est atteint`;
      break;
    }
    case 'commande.redigee':
      phrase = who('a rédigé la commande (brouillon)');
      break;
    case 'commande.brief_modifie':
      phrase = who('a modifié le brief');
      break;
    case 'commande.emise': {
      const n = Array.isArray(data.maisonIds) ? data.maisonIds.length : null;
      phrase = who(`a émis la commande${n ? ` vers ${n} Maison${n > 1 ? 's' : ''}` : ''}`);
      break;
    }
    case 'commande.annulee':
      phrase = data.automatique ? 'La commande a été annulée automatiquement' : who('a annulé la commande');
      break;
    case 'commande.close':
      phrase = data.automatique || !acteur ? 'La commande est close : toutes les livraisons sont validées ou annulées' : who('a clos la commande');
      break;
    case 'affectation.accusee':
      phrase = who(`a accusé réception de la commande${pourMaison()}`);
      break;
    case 'affectation.clarification_demandee':
      phrase = who(`a demandé une clarification${pourMaison()}`);
      break;
    case 'affectation.clarification_apportee':
      phrase = who(`a apporté la clarification demandée${pourMaison()}`);
      break;
    case 'affectation.avancement_signale':
      phrase = who(`a signalé l’avancement${pourMaison()}${typeof data.pourcentage === 'number' ? ` : ${data.pourcentage} %` : ''}`);
      break;
    case 'affectation.livree':
      phrase = who(`a livré${pourMaison()}`);
      break;
    case 'affectation.validee':
      phrase = who(`a validé la livraison${pourMaison()}`);
      break;
    case 'affectation.renvoyee':
      phrase = who(`a renvoyé la livraison pour reprise${pourMaison()}`);
      break;
    case 'affectation.annulee':
      phrase = who(`a retiré une Maison de la commande${pourMaison()}`);
      break;
    default:
      phrase = phraseOf(event.type, acteur);
  }
  const details = DETAILS.flatMap(([key, label]) => {
    const text = str(data[key]);
    return text ? [{ label, text }] : [];
  });
  const sla = event.type === 'sla.depassement' ? 'depassement' : event.type === 'sla.avertissement' ? 'avertissement' : null;
  return { phrase, details, sla, interne };
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
