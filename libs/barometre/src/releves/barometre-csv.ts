import { toCsv } from '@app/dashboards';
import { Meteo } from '../persistence/barometre.entities';
import type { Barometre } from './barometre.service';

export const LIBELLE_METEO: Record<Meteo, string> = {
  soleil: 'Soleil',
  soleil_voile: 'Soleil voilé',
  nuageux: 'Nuageux',
  pluie: 'Pluie',
  orage: 'Orage',
};

const LIBELLE_TENDANCE = { amelioration: 'En amélioration', stable: 'Stable', degradation: 'En dégradation' } as const;

/** One line per Maison: the weather counts, the weather of the month and the trend, then its operations (empty outside the caller's detail). */
export function barometreCsv(b: Barometre): string {
  const headers = [
    'Mois', 'Maison', 'Ville', 'Soleil', 'Soleil voilé', 'Nuageux', 'Pluie', 'Orage', 'Relevés', 'Score moyen', 'Météo du mois', 'Météo du mois précédent', 'Tendance',
    'Thèmes du mauvais temps', 'Questions', 'Escaladées', 'Dépassements SLA', 'Dispositifs les plus demandés',
  ];
  const rows = b.territoires.map((t) => [
    b.mois, t.nom, t.ville, t.comptes.soleil, t.comptes.soleil_voile, t.comptes.nuageux, t.comptes.pluie, t.comptes.orage, t.total, t.scoreMoyen,
    t.meteoDuMois ? LIBELLE_METEO[t.meteoDuMois] : '', t.meteoMoisPrecedent ? LIBELLE_METEO[t.meteoMoisPrecedent] : '', t.tendance ? LIBELLE_TENDANCE[t.tendance] : '',
    t.detail?.themesMauvaisTemps.map((x) => `${x.libelle} (${x.releves})`).join(', ') ?? '',
    t.detail?.operations.questions ?? '', t.detail?.operations.escaladees ?? '', t.detail?.operations.depassementsSla ?? '',
    t.detail?.operations.dispositifs.map((x) => `${x.libelle} (${x.questions})`).join(', ') ?? '',
  ]);
  return toCsv(headers, rows);
}
