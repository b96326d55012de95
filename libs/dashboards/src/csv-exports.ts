import { DateTime } from 'luxon';
import { toCsv } from './csv';
import type { TableauCommandes } from './commandes/commandes-dashboard';
import type { TableauCapitalisation } from './capitalisation/capitalisation-dashboard';
import type { TableauSla } from './sla/sla-dashboard';

const ZONE = 'Europe/Paris';

const HORLOGE_FR: Record<string, string> = {
  prise_en_charge: 'Prise en charge',
  reponse: 'Réponse',
  relais: 'Relais à l’usager',
  accuse_reception: 'Accusé de réception',
  echeance_commande: 'Échéance de la commande',
  echeance_livrable: 'Échéance d’un livrable',
};

const FLUX_FR: Record<string, { libelle: string; ouverts: string }> = {
  question: { libelle: 'Questions', ouverts: 'Questions ouvertes' },
  commande: { libelle: 'Commandes (par affectation)', ouverts: 'Affectations ouvertes' },
};

/** A local day in Paris, 'yyyy-mm-dd': what a user means by a date, whatever the UTC offset. */
export function jourParis(iso: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE).toISODate()!;
}

/** A moment as a Paris user reads it: '2026-11-25 10:00 (heure de Paris)'. */
function heureParis(iso: string): string {
  return `${DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm')} (heure de Paris)`;
}

/**
 * The SLA dashboard as one sheet: context lines (flux, freshness), then one line per figure
 * group (total, each clock kind, age band, direction, MdR, référent, week, holder), with the
 * same columns; a section column says what the line is. Each column holds one kind of figure:
 * open tickets of the flux now (questions, or commande assignments), clocks ended in the period
 * (a ticket has several clocks: the counts are clocks, and say so), and business minutes held
 * by each holder in their own column.
 */
export function tableauSlaCsv(t: TableauSla): string {
  const flux = FLUX_FR[t.flux] ?? { libelle: t.flux, ouverts: 'Ouverts' };
  const headers = [
    'Section',
    'Libellé',
    flux.ouverts,
    'dont à risque',
    'dont dépassées',
    'Horloges terminées sur la période',
    'dont dans les délais',
    'Conformité (%)',
    'Médiane de résolution (minutes ouvrées)',
    'Temps détenu (minutes ouvrées)',
  ];
  const vide = (n: number) => Array<null>(n).fill(null);
  const rows: unknown[][] = [
    ['Flux', flux.libelle, ...vide(8)],
    ['Chiffres de la période à jour au', t.donneesPeriodeA ? heureParis(t.donneesPeriodeA) : 'pas encore calculés', ...vide(8)],
    ['Chiffres « ouverts » lus le', heureParis(t.genereA), ...vide(8)],
  ];
  const termines = t.conformite.reduce((a, c) => a + c.termines, 0);
  const aTemps = t.conformite.reduce((a, c) => a + c.aTemps, 0);
  rows.push([
    'Total',
    `${t.perimetre.libelle} du ${t.du} au ${t.au}`,
    t.maintenant.ouverts,
    t.maintenant.aRisque,
    t.maintenant.depasses,
    termines,
    aTemps,
    termines ? Math.round((1000 * aTemps) / termines) / 10 : null,
    t.delais.resolution.medianeMinutesOuvrees,
    null,
  ]);
  for (const c of t.conformite) rows.push([`Horloge`, HORLOGE_FR[c.horloge] ?? c.horloge, null, null, null, c.termines, c.aTemps, c.tauxPct, null, null]);
  for (const a of t.maintenant.anciennete) rows.push(['Ancienneté', a.libelle, a.ouverts, ...vide(7)]);
  const section = (nom: string, lignes: TableauSla['repartition']['directions']) =>
    lignes.forEach((l) => rows.push([nom, l.libelle, l.ouverts, l.aRisque, l.depasses, l.termines, l.aTemps, l.tauxPct, l.medianeResolutionMinutesOuvrees, null]));
  section('Direction', t.repartition.directions);
  section('Maison de la Région', t.repartition.maisons);
  section('Référent', t.repartition.referents);
  for (const s of t.tendance) rows.push(['Semaine', `Semaine du ${s.semaine}`, null, null, null, s.termines, s.aTemps, s.tauxPct, null, null]);
  const d = t.tempsParDetenteur;
  const detenteur = (libelle: string, minutes: number) => rows.push(['Temps par détenteur', libelle, ...vide(7), minutes]);
  detenteur('Maison de la Région', d.maison);
  detenteur('Siège', d.siege);
  detenteur('En attente de l’usager', d.usager);
  detenteur('En attente du Cabinet', d.cabinet);
  return toCsv(headers, rows);
}

/**
 * The commandes dashboard: one line per commande (the page), then one per MdR. Dates are Paris
 * days (an échéance at 00:30 Paris is that day, not the UTC day before). "Avancement moyen" and
 * "Livrables faits" follow the commande view's rule: a delivered or validated assignment is
 * complete, an open one counts what its MdR reported.
 */
export function tableauCommandesCsv(t: TableauCommandes): string {
  const headers = [
    'Section',
    'Référence',
    'Libellé',
    'Émise le',
    'Échéance',
    'Affectations',
    'Reçues',
    'Dans les délais',
    'En retard',
    'En cours',
    'Avancement moyen (%)',
    'Livrables faits',
    'Livrables attendus',
  ];
  const rows: unknown[][] = t.commandes.map((c) => [
    'Commande',
    c.reference,
    c.titre,
    jourParis(c.emiseLe),
    c.echeance ? jourParis(c.echeance) : null,
    c.affectations,
    null,
    null,
    c.enRetard,
    null,
    c.avancementMoyenPct,
    c.livrables.faits,
    c.livrables.total,
  ]);
  for (const m of t.maisons) rows.push(['Maison de la Région', null, m.libelle, null, null, null, m.recues, m.aTemps, m.enRetard, m.enCours, null, null, null]);
  rows.push(['Total', null, `${t.perimetre.libelle} du ${t.du} au ${t.au}`, null, null, null, t.total.recues, t.total.aTemps, t.total.enRetard, t.total.enCours, null, null, null]);
  return toCsv(headers, rows);
}

/**
 * The capitalisation dashboard (ADR 0017): one line per dispositif, then the total of the
 * perimeter; rates in %, one decimal (empty when there is nothing to divide by).
 */
export function tableauCapitalisationCsv(t: TableauCapitalisation): string {
  const headers = [
    'Section',
    'Dispositif',
    'Escalades',
    'Réponses publiées',
    'Réponses au guichet',
    'dont par réutilisation',
    'Taux de capitalisation (%)',
    'Taux de réutilisation (%)',
  ];
  const ligne = (section: string, libelle: string, c: TableauCapitalisation['total']) => [
    section,
    libelle,
    c.escalations,
    c.reponsesPubliees,
    c.reponsesLocales,
    c.reutilisations,
    c.tauxCapitalisationPct,
    c.tauxReutilisationPct,
  ];
  const rows: unknown[][] = t.dispositifs.map((d) => ligne('Dispositif', d.libelle, d));
  rows.push(ligne('Total', `${t.perimetre.libelle} du ${t.du} au ${t.au}`, t.total));
  return toCsv(headers, rows);
}
