import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const documentKeys = {
  ofDispositif: (id: string) => ['dispositifs', id, 'documents'] as const,
};

export function useDispositif(id: string) {
  return useQuery({ queryKey: ['dispositifs', id], queryFn: () => unwrap(api.GET('/api/v1/dispositifs/{id}', { params: { path: { id } } })) });
}

export function useDocuments(dispositifId: string) {
  return useQuery({
    queryKey: documentKeys.ofDispositif(dispositifId),
    queryFn: () => unwrap(api.GET('/api/v1/dispositifs/{id}/documents', { params: { path: { id: dispositifId }, query: { limit: 200 } } })),
  });
}
