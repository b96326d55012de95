import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';

export type Resultat = components['schemas']['ResultatRechercheDto'];
export type TypeResultat = Resultat['type'];

export function useRecherche(q: string) {
  return useQuery({
    queryKey: ['recherche', q],
    queryFn: () => unwrap(api.GET('/api/v1/recherche', { params: { query: { q } } })),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
