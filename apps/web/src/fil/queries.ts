import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** The two kinds of ticket that have a fil (timeline): the path segment of their routes. */
export type TicketKind = 'questions' | 'commandes';

/**
 * Keys under the ticket's own: invalidating ['questions'] or ['commandes'] (what every action
 * does) refetches the fil and its verification too.
 */
export const filKeys = {
  fil: (kind: TicketKind, id: string) => [kind, id, 'fil'] as const,
  // Under 'fil': a commande's own ['commandes', id, 'verification'] is its brief's completeness check.
  verification: (kind: TicketKind, id: string) => [kind, id, 'fil', 'verification'] as const,
};

export function useFil(kind: TicketKind, id: string) {
  return useQuery({
    queryKey: filKeys.fil(kind, id),
    queryFn: () =>
      unwrap(
        kind === 'questions'
          ? api.GET('/api/v1/questions/{id}/fil', { params: { path: { id } } })
          : api.GET('/api/v1/commandes/{id}/fil', { params: { path: { id } } }),
      ),
    enabled: Boolean(id),
  });
}

export function useVerification(kind: TicketKind, id: string) {
  return useQuery({
    queryKey: filKeys.verification(kind, id),
    queryFn: () =>
      unwrap(
        kind === 'questions'
          ? api.GET('/api/v1/questions/{id}/fil/verification', { params: { path: { id } } })
          : api.GET('/api/v1/commandes/{id}/fil/verification', { params: { path: { id } } }),
      ),
    enabled: Boolean(id),
  });
}
