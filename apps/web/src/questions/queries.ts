import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const questionKeys = {
  all: ['questions'] as const,
  one: (id: string) => ['questions', id] as const,
  fil: (id: string) => ['questions', id, 'fil'] as const,
  verification: (id: string) => ['questions', id, 'verification'] as const,
};

export function useQuestion(id: string) {
  return useQuery({ queryKey: questionKeys.one(id), queryFn: () => unwrap(api.GET('/api/v1/questions/{id}', { params: { path: { id } } })) });
}

export function useFil(id: string) {
  return useQuery({ queryKey: questionKeys.fil(id), queryFn: () => unwrap(api.GET('/api/v1/questions/{id}/fil', { params: { path: { id } } })) });
}

export function useVerification(id: string) {
  return useQuery({
    queryKey: questionKeys.verification(id),
    queryFn: () => unwrap(api.GET('/api/v1/questions/{id}/fil/verification', { params: { path: { id } } })),
  });
}
