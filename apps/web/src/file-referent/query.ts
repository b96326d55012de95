import { api, unwrap } from '../api/client';

/**
 * The référent's queue as FileReferentPage reads it. The route prefetches it (App.tsx), so the
 * request leaves with the page's chunk instead of after it.
 */
export const fileReferentQuery = {
  queryKey: ['questions', 'file-referent'] as const,
  queryFn: () => unwrap(api.GET('/api/v1/file-referent', { params: { query: { limit: 50 } } })),
};
