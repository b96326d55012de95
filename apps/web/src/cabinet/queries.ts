import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** Under ['commandes']: one invalidation after an action refreshes every commande screen. */
export const commandeKeys = {
  all: ['commandes'] as const,
  liste: (statut: string) => ['commandes', 'cabinet', 'liste', statut] as const,
  one: (id: string) => ['commandes', id] as const,
  verification: (id: string) => ['commandes', id, 'verification'] as const,
};

export function useCommande(id: string) {
  return useQuery({ queryKey: commandeKeys.one(id), queryFn: () => unwrap(api.GET('/api/v1/commandes/{id}', { params: { path: { id } } })) });
}

export function useVerificationBrief(id: string, enabled: boolean) {
  return useQuery({
    queryKey: commandeKeys.verification(id),
    queryFn: () => unwrap(api.GET('/api/v1/commandes/{id}/verification', { params: { path: { id } } })),
    enabled,
  });
}

/** The directory the editor picks from: every Maison and thème (a few dozen, cached). */
export function useMaisons() {
  return useQuery({
    queryKey: ['maisons', 'toutes'],
    queryFn: () => unwrap(api.GET('/api/v1/maisons', { params: { query: { limit: 200 } } })),
    staleTime: 10 * 60_000,
  });
}

export function useThemes() {
  return useQuery({
    queryKey: ['themes', 'tous'],
    queryFn: () => unwrap(api.GET('/api/v1/themes', { params: { query: { limit: 200 } } })),
    staleTime: 10 * 60_000,
  });
}
