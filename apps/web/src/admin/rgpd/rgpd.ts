import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type EntreeJournal = Schemas['RgpdJournalEntreeDto'];
export type ExportRgpd = Schemas['ExportRgpdDto'];
export type Effacement = Schemas['EffacementResultDto'];

/** How the usager is looked for: by e-mail or by phone, one of the two. */
export type Par = 'email' | 'telephone';

export const rgpdKeys = {
  journal: (cursor: string | null) => ['admin', 'rgpd', 'journal', cursor] as const,
  all: ['admin', 'rgpd'] as const,
};

export function useJournalRgpd(cursor: string | null) {
  return useQuery({
    queryKey: rgpdKeys.journal(cursor),
    queryFn: () => unwrap(api.GET('/api/v1/rgpd/journal', { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
  });
}

export const LIBELLES_ACTE: Record<string, string> = {
  retention: 'Anonymisation (durée de conservation)',
  effacement: 'Effacement sur demande',
  acces: 'Export (droit d’accès)',
};

/** The body the API expects: the one identifier given. */
export function identifiant(par: Par, valeur: string): { email: string } | { telephone: string } {
  return par === 'email' ? { email: valeur.trim() } : { telephone: valeur.trim() };
}
