import type { Schemas } from '../api/client';

export type Politique = Schemas['PolitiqueDto'];
export type Calendrier = Schemas['CalendrierDto'];
export type CalendrierSpec = Schemas['CalendrierSpecDto'];
export type Plage = Schemas['PlageHoraireDto'];
export type Fermeture = Schemas['FermetureDto'];
/** Opening intervals by ISO weekday, '1' (Monday) to '7' (Sunday). */
export type Hours = Record<string, Plage[]>;

export const hoursOf = (spec: CalendrierSpec | undefined): Hours => (spec?.hours ?? {}) as Hours;

export const FLUX_LIBELLE: Record<string, string> = { question: 'Questions', commande: 'Commandes' };

/** Each clock in plain French: what it measures, from when to when. */
export const HORLOGE_LIBELLE: Record<Politique['horloge'], { nom: string; mesure: string }> = {
  prise_en_charge: { nom: 'Prise en charge', mesure: 'de l’escalade au siège jusqu’à la prise en charge par un référent' },
  reponse: { nom: 'Réponse', mesure: 'de l’escalade jusqu’à la réponse du siège (suspendue pendant une demande d’information)' },
  relais: { nom: 'Relais à l’usager', mesure: 'de la réponse du siège jusqu’à la clôture par la Maison' },
  accuse_reception: { nom: 'Accusé de réception', mesure: 'de l’émission d’une commande jusqu’à l’accusé de réception de chaque Maison' },
  echeance_commande: { nom: 'Échéance de la commande', mesure: 'jusqu’à la date limite fixée par la commande' },
  echeance_livrable: { nom: 'Échéance d’un livrable', mesure: 'jusqu’à la date limite fixée pour le livrable' },
};

/**
 * The calendar a clock counts on: the engine uses the calendar of whoever holds the ticket
 * (the siège's for a direction or the coordination, the MdR's own or else the network's for an MdR).
 */
export const HORLOGE_CALENDRIER: Record<Politique['horloge'], string> = {
  prise_en_charge: 'Siège (la direction détient la question)',
  reponse: 'Siège (la direction détient la question)',
  relais: 'Maison concernée (le sien, sinon celui du réseau)',
  accuse_reception: 'Maison destinataire (le sien, sinon celui du réseau)',
  echeance_commande: 'Aucun : date limite fixe, en temps calendaire',
  echeance_livrable: 'Aucun : date limite fixe, en temps calendaire',
};

export const PRIORITE_LIBELLE: Record<string, string> = { haute: 'haute', normale: 'normale', basse: 'basse' };

const nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** "1 440 min" → "24 h", "90 min" → "1 h 30", "45 min" → "45 min". */
export function formatDuree(minutes: number): string {
  if (minutes < 60) return `${nombre.format(minutes)} min`;
  const h = Math.floor(minutes / 60);
  const rest = Math.round((minutes - h * 60) * 100) / 100;
  return rest ? `${nombre.format(h)} h ${nombre.format(rest)}` : `${nombre.format(h)} h`;
}

/** "soit 3 journées de 8 h" when a business day of `jourMinutes` is known. */
export function enJournees(minutes: number, jourMinutes: number | null): string | null {
  if (!jourMinutes) return null;
  const jours = minutes / jourMinutes;
  return `${nombre.format(Math.round(jours * 100) / 100)} ${jours > 1 ? 'journées' : 'journée'} de ${formatDuree(jourMinutes)}`;
}

export type Unite = 'heures' | 'minutes';

/** How the form shows a target: in hours when it is a whole number of quarter hours, else in minutes. */
export function cibleAffichee(minutes: number): { valeur: string; unite: Unite } {
  if (minutes >= 60 && (minutes / 60) * 4 === Math.round((minutes / 60) * 4)) return { valeur: nombre.format(minutes / 60).replace(/\s/g, ''), unite: 'heures' };
  return { valeur: nombre.format(minutes).replace(/\s/g, ''), unite: 'minutes' };
}

/**
 * What the admin typed, in business minutes: "1,5" heures → 90. French decimal comma accepted.
 * Null when it is not a number: the form then sends it as typed and shows the API's message.
 */
export function cibleEnMinutes(valeur: string, unite: Unite): number | null {
  const text = valeur.trim().replace(/\s/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  const n = Number(text);
  return unite === 'heures' ? Math.round(n * 60 * 100) / 100 : n;
}

/** Opening minutes of a weekday's intervals ("09:00"–"12:30" = 210). */
export function minutesOuvertes(plages: Plage[]): number {
  const at = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return plages.reduce((sum, p) => sum + Math.max(0, at(p.end) - at(p.start)), 0);
}

/** A calendar's usual business day: the most frequent non-zero opening of its weekdays. */
export function journeeType(spec: CalendrierSpec | undefined): number | null {
  if (!spec) return null;
  const counts = new Map<number, number>();
  for (const day of JOURS) {
    const m = minutesOuvertes(hoursOf(spec)[day.cle] ?? []);
    if (m > 0) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
  return best ? best[0] : null;
}

export const JOURS = [
  { cle: '1', nom: 'Lundi' },
  { cle: '2', nom: 'Mardi' },
  { cle: '3', nom: 'Mercredi' },
  { cle: '4', nom: 'Jeudi' },
  { cle: '5', nom: 'Vendredi' },
  { cle: '6', nom: 'Samedi' },
  { cle: '7', nom: 'Dimanche' },
] as const;

/** Consecutive closure days as ranges, for display: ["2026-12-24","2026-12-25","2026-12-31"] → two ranges. */
export function enPeriodes(dates: string[]): Array<{ du: string; au: string; jours: string[] }> {
  const sorted = [...new Set(dates)].sort();
  const periodes: Array<{ du: string; au: string; jours: string[] }> = [];
  for (const date of sorted) {
    const last = periodes[periodes.length - 1];
    if (last && jourSuivant(last.au) === date) {
      last.au = date;
      last.jours.push(date);
    } else periodes.push({ du: date, au: date, jours: [date] });
  }
  return periodes;
}

/** The local date after 'yyyy-mm-dd' (calendar arithmetic in UTC: no DST involved). */
export function jourSuivant(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Every day from `du` to `au` included; [] when `au` is before `du`. At most `max` days. */
export function joursEntre(du: string, au: string, max = 366): string[] {
  const jours: string[] = [];
  for (let d = du; d <= au && jours.length < max; d = jourSuivant(d)) jours.push(d);
  return jours;
}

const dateLongue = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** 'yyyy-mm-dd' → "jeudi 24 décembre 2026" (a local date, shown as such). */
export function formatJour(date: string): string {
  return dateLongue.format(new Date(`${date}T00:00:00Z`));
}
