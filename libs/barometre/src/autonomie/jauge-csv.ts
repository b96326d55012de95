import { toCsv } from '@app/dashboards';
import type { ChiffresAutonomie, ChiffresAutonomieTendance, JaugeAutonomie } from './jauge-autonomie';

/**
 * The autonomy gauge as a spreadsheet (same rules as the other dashboards' exports): the total,
 * one line per month, per MdR and per dispositif with the trend, then the detail per month, MdR
 * and dispositif.
 */
export function jaugeAutonomieCsv(j: JaugeAutonomie): string {
  const maisons = new Map(j.maisons.map((m) => [m.maisonId, m.libelle]));
  const dispositifs = new Map(j.dispositifs.map((d) => [d.dispositifId ?? '', d.libelle]));
  const chiffres = (c: ChiffresAutonomie) => [c.reponduesLocalement, c.escaladees, c.escaladeesAvecReponsePubliee, c.tauxAutonomiePct];
  const tendance = (c: ChiffresAutonomieTendance) => [...chiffres(c), c.tauxAutonomiePrecedentPct, c.tendancePts];
  const periode = j.du === j.au ? j.du : `${j.du} – ${j.au}`;
  const rows: unknown[][] = [
    ['Total', j.perimetre.libelle, '', periode, ...tendance(j.total)],
    ...j.mois.map((m) => ['Mois', j.perimetre.libelle, '', m.mois, ...tendance(m)]),
    ...j.maisons.map((m) => ['Maison', m.libelle, '', periode, ...tendance(m)]),
    ...j.dispositifs.map((d) => ['Dispositif', '', d.libelle, periode, ...tendance(d)]),
    ...j.details.map((d) => ['Détail', maisons.get(d.maisonId) ?? '', dispositifs.get(d.dispositifId ?? '') ?? '', d.mois, ...chiffres(d), '', '']),
  ];
  return toCsv(
    [
      'Section',
      'Maison',
      'Dispositif',
      'Mois',
      'Répondues au guichet',
      'Escaladées',
      'Escaladées malgré une réponse publiée',
      "Taux d'autonomie (%)",
      'Taux période précédente (%)',
      'Tendance (points)',
    ],
    rows,
  );
}
