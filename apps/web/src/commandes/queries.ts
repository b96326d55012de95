import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { AffectationStatut, CommandeStatut } from './labels';

/** Everything about commandes hangs under one key: an action invalidates lists, pages and fil at once. */
export const commandeKeys = {
  all: ['commandes'] as const,
  recues: (statut: CommandeStatut | '', statutAffectation: AffectationStatut[]) => ['commandes', 'recues', statut, statutAffectation] as const,
  one: (id: string) => ['commandes', id] as const,
  affectation: (id: string) => ['commandes', 'affectation', id] as const,
};

/** The commandes the caller's Maison received, newest first; filtered by the commande's state and the Maison's affectation's. */
export function useCommandesRecues(statut: CommandeStatut | '', statutAffectation: AffectationStatut[] = []) {
  return useQuery({
    queryKey: commandeKeys.recues(statut, statutAffectation),
    queryFn: () =>
      unwrap(
        api.GET('/api/v1/commandes', {
          params: {
            query: {
              recues: true,
              limit: 100,
              ...(statut ? { statut: [statut] } : {}),
              ...(statutAffectation.length ? { statutAffectation } : {}),
            },
          },
        }),
      ),
  });
}

export function useAffectation(id: string) {
  return useQuery({ queryKey: commandeKeys.affectation(id), queryFn: () => unwrap(api.GET('/api/v1/affectations/{id}', { params: { path: { id } } })) });
}

export function useCommande(id: string | undefined) {
  return useQuery({
    queryKey: commandeKeys.one(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/commandes/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
  });
}

