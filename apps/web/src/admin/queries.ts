import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const adminKeys = {
  politiques: ['admin', 'politiques'] as const,
  calendriers: ['admin', 'calendriers'] as const,
  calendrier: (id: string) => ['admin', 'calendriers', id] as const,
};

export function usePolitiques() {
  return useQuery({ queryKey: adminKeys.politiques, queryFn: () => unwrap(api.GET('/api/v1/sla/politiques', { params: { query: { limit: 200 } } })) });
}

export function useCalendriers() {
  return useQuery({ queryKey: adminKeys.calendriers, queryFn: () => unwrap(api.GET('/api/v1/calendriers', { params: { query: { limit: 200 } } })) });
}

export function useCalendrier(id: string) {
  return useQuery({ queryKey: adminKeys.calendrier(id), queryFn: () => unwrap(api.GET('/api/v1/calendriers/{id}', { params: { path: { id } } })) });
}

/** The If-Match of a resource read at `version` (the API's ETag is the quoted version). */
export const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });
