import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';

export const questionKeys = {
  all: ['questions'] as const,
  one: (id: string) => ['questions', id] as const,
};

export function useQuestion(id: string) {
  return useQuery({ queryKey: questionKeys.one(id), queryFn: () => unwrap(api.GET('/api/v1/questions/{id}', { params: { path: { id } } })) });
}
