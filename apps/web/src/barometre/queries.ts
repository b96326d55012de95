import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';

export type Barometre = components['schemas']['BarometreDto'];
export type Territoire = components['schemas']['TerritoireBarometreDto'];
export type Synthese = components['schemas']['SyntheseDto'];
export type Meteo = 'soleil' | 'soleil_voile' | 'nuageux' | 'pluie' | 'orage';

export const barometreKeys = {
  all: ['barometre'] as const,
  mois: (mois: string, perimetre: string | undefined) => ['barometre', mois, perimetre ?? ''] as const,
  syntheses: (mois: string) => ['barometre', 'syntheses', mois] as const,
};

/** The five weathers, best first: the symbol (Miscellaneous Symbols, in every system font) is decoration, the word is the name. */
export const METEOS: Array<{ meteo: Meteo; libelle: string; icone: string; couleur: string }> = [
  { meteo: 'soleil', libelle: 'Soleil', icone: '☀', couleur: '#f2c200' },
  { meteo: 'soleil_voile', libelle: 'Soleil voilé', icone: '☼', couleur: '#f0a030' },
  { meteo: 'nuageux', libelle: 'Nuageux', icone: '☁', couleur: '#8f9aa6' },
  { meteo: 'pluie', libelle: 'Pluie', icone: '☔', couleur: '#2f67b1' },
  { meteo: 'orage', libelle: 'Orage', icone: '⚡', couleur: '#5a2a86' },
];

export const LIBELLE_METEO = Object.fromEntries(METEOS.map((m) => [m.meteo, m.libelle])) as Record<Meteo, string>;

export const LIBELLE_TENDANCE: Record<string, string> = { amelioration: 'En amélioration', stable: 'Stable', degradation: 'En dégradation' };

/** The current month in Paris, 'YYYY-MM'. */
export function moisCourant(now = new Date()): string {
  return new Intl.DateTimeFormat('fr-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
}

export function useBarometre(mois: string, perimetre?: string) {
  return useQuery({
    queryKey: barometreKeys.mois(mois, perimetre),
    // JSON (the CSV is asked for with Accept: text/csv only).
    queryFn: () => unwrap(api.GET('/api/v1/barometre', { params: { query: { mois, ...(perimetre ? { perimetre } : {}) } } })) as Promise<Barometre>,
  });
}

export function useSyntheses(mois: string) {
  return useQuery({
    queryKey: barometreKeys.syntheses(mois),
    queryFn: () => unwrap(api.GET('/api/v1/barometre/syntheses', { params: { query: { mois } } })),
  });
}
