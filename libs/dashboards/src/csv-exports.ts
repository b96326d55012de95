import { toCsv } from './csv';
import type { TableauCommandes } from './commandes/commandes-dashboard';
import type { TableauSla } from './sla/sla-dashboard';

const HORLOGE_FR: Record<string, string> = {
  prise_en_charge: 'Prise en charge',
  reponse: 'Réponse',
  relais: 'Relais à l’usager',
  accuse_reception: 'Accusé de réception',
  echeance_commande: 'Échéance de la commande',
  echeance_livrable: 'Échéance d’un livrable',
};

/**
 * The SLA dashboard as one sheet: one line per figure group (total, each direction, MdR,
 * référent, each week), with the same columns; a section column says what the line is.
 */
export function tableauSlaCsv(t: TableauSla): string {
  const headers = [
    'Section',
    'Libellé',
    'Ouverts',
    'À risque',
    'Dépassés',
    'Terminés sur la période',
    'Dans les délais',
    'Conformité (%)',
    'Médiane de résolution (minutes ouvrées)',
  ];
  const rows: unknown[][] = [];
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
  ]);
  for (const c of t.conformite) rows.push([`Horloge`, HORLOGE_FR[c.horloge] ?? c.horloge, null, null, null, c.termines, c.aTemps, c.tauxPct, null]);
  for (const a of t.maintenant.anciennete) rows.push(['Ancienneté des ouverts', a.libelle, a.ouverts, null, null, null, null, null, null]);
  const section = (nom: string, lignes: TableauSla['repartition']['directions']) =>
    lignes.forEach((l) => rows.push([nom, l.libelle, l.ouverts, l.aRisque, l.depasses, l.termines, l.aTemps, l.tauxPct, l.medianeResolutionMinutesOuvrees]));
  section('Direction', t.repartition.directions);
  section('Maison de la Région', t.repartition.maisons);
  section('Référent', t.repartition.referents);
  for (const s of t.tendance) rows.push(['Semaine', `Semaine du ${s.semaine}`, null, null, null, s.termines, s.aTemps, s.tauxPct, null]);
  const d = t.tempsParDetenteur;
  rows.push(['Temps par détenteur (minutes ouvrées)', 'Maison de la Région', d.maison, null, null, null, null, null, null]);
  rows.push(['Temps par détenteur (minutes ouvrées)', 'Siège', d.siege, null, null, null, null, null, null]);
  rows.push(['Temps par détenteur (minutes ouvrées)', 'En attente de l’usager', d.usager, null, null, null, null, null, null]);
  rows.push(['Temps par détenteur (minutes ouvrées)', 'En attente du Cabinet', d.cabinet, null, null, null, null, null, null]);
  return toCsv(headers, rows);
}

/** The commandes dashboard: one line per commande (the page), then one per MdR. */
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
    c.emiseLe.slice(0, 10),
    c.echeance?.slice(0, 10) ?? null,
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
