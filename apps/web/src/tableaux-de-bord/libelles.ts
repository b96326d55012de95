import { COMMANDE_STATUT_LIBELLE } from '../shared/commande';
import { formatNumber } from '../shared/format';

/** The clocks in plain French. */
export const HORLOGE_LIBELLE: Record<string, string> = {
  prise_en_charge: 'Prise en charge',
  reponse: 'Réponse',
  relais: 'Relais à l’usager',
  accuse_reception: 'Accusé de réception',
  echeance_commande: 'Échéance de la commande',
  echeance_livrable: 'Échéance d’un livrable',
};

export const horlogeLibelle = (horloge: string) => HORLOGE_LIBELLE[horloge] ?? horloge;

/** Who held a ticket, in the order the dashboard shows them. */
export const DETENTEURS = [
  { cle: 'maison', libelle: 'Maison de la Région', court: 'Maison' },
  { cle: 'siege', libelle: 'Siège', court: 'Siège' },
  { cle: 'usager', libelle: 'En attente de l’usager', court: 'Usager' },
  { cle: 'cabinet', libelle: 'En attente du Cabinet', court: 'Cabinet' },
] as const;

export const STATUT_AFFECTATION_LIBELLE: Record<string, string> = {
  envoyee: 'envoyée',
  accusee: 'accusé de réception',
  clarification_demandee: 'clarification demandée',
  en_cours: 'en cours',
  livree: 'livrée',
  renvoyee: 'renvoyée',
  validee: 'validée',
  annulee: 'retirée',
};

/** A commande's state, in the words of every other screen (a dashboard row may carry an unknown one). */
export const STATUT_COMMANDE_LIBELLE: Record<string, string> = COMMANDE_STATUT_LIBELLE;

/** A percentage in French ("83,3 %"), or a dash when nothing ended. */
export function formatPct(pct: number | null | undefined): string {
  return pct === null || pct === undefined ? '—' : `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(pct)} %`;
}

/** Business minutes as a French duration: "45 min", "4 h 30 min", "24 h". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${formatNumber(h)} h ${rest} min` : `${formatNumber(h)} h`;
}

/** Minutes to hours with one decimal, for a chart's axis. */
export const enHeures = (minutes: number) => Math.round(minutes / 6) / 10;

/** 'yyyy-mm-dd' as a French day: "2 nov. 2026". */
export function formatJour(jour: string): string {
  return new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${jour}T12:00:00Z`));
}

/** A week by its Monday: "sem. du 2 nov." */
export function formatSemaine(lundi: string): string {
  return `sem. du ${new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${lundi}T12:00:00Z`))}`;
}
