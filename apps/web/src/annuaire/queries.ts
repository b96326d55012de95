import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

/** The directory is reference data of a few hundred rows: one page of 200 holds it, cached for minutes. */
const REFERENCE = { staleTime: 10 * 60_000 };

export function useMaisons() {
  return useQuery({ queryKey: ['annuaire', 'maisons'], queryFn: () => unwrap(api.GET('/api/v1/maisons', { params: { query: { limit: 200 } } })), ...REFERENCE });
}

/** The thèmes, each with its direction and its correspondent Maisons (spécialisations). */
export function useThemes() {
  return useQuery({ queryKey: ['annuaire', 'themes'], queryFn: () => unwrap(api.GET('/api/v1/themes', { params: { query: { limit: 200 } } })), ...REFERENCE });
}

export function useReferents() {
  return useQuery({ queryKey: ['annuaire', 'referents'], queryFn: () => unwrap(api.GET('/api/v1/referents', { params: { query: { limit: 200 } } })), ...REFERENCE });
}

/** A Maison's calendar: its own, or the network's it inherits (the API answers either). */
export function useCalendrierMaison(maisonId: string) {
  return useQuery({
    queryKey: ['annuaire', 'calendrier', maisonId],
    queryFn: () => unwrap(api.GET('/api/v1/calendriers/{id}', { params: { path: { id: `maison-${maisonId}` } } })),
    ...REFERENCE,
  });
}

export function useDispositifs(q: string) {
  return useQuery({
    queryKey: ['annuaire', 'dispositifs', q],
    queryFn: () => unwrap(api.GET('/api/v1/dispositifs', { params: { query: { q, limit: 10 } } })),
    enabled: q.trim().length >= 2,
  });
}

export function useHistorique(dispositifId: string | null) {
  return useQuery({
    queryKey: ['annuaire', 'historique', dispositifId],
    queryFn: () => unwrap(api.GET('/api/v1/dispositifs/{id}/referents-historique', { params: { path: { id: dispositifId! } } })),
    enabled: dispositifId !== null,
  });
}

/** Orphan dispositifs (ADR 0014): the API answers the network manager and admins only. */
export function useOrphelins(enabled: boolean) {
  return useQuery({
    queryKey: ['annuaire', 'orphelins'],
    queryFn: () => unwrap(api.GET('/api/v1/dispositifs', { params: { query: { orphelins: true, limit: 200 } } })),
    enabled,
  });
}
