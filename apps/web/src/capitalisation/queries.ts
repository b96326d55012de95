import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';

export type ReponsePubliee = components['schemas']['ReponsePublieeDto'];
export type Suggestions = components['schemas']['SuggestionsDto'];
export type SuggestionReponse = components['schemas']['SuggestionReponsePublieeDto'];
export type SuggestionQuestion = components['schemas']['SuggestionQuestionDto'];

export const capitalisationKeys = {
  all: ['reponses-publiees'] as const,
  ofDispositif: (id: string) => ['reponses-publiees', 'dispositif', id] as const,
  suggestions: (objet: string, dispositifId: string | null) => ['suggestions', objet, dispositifId] as const,
};

/** The suggestions for an objet being typed (already debounced by the caller); nothing below three letters. */
export function useSuggestions(objet: string, dispositifId: string | null) {
  return useQuery({
    queryKey: capitalisationKeys.suggestions(objet, dispositifId),
    queryFn: () => unwrap(api.GET('/api/v1/questions/suggestions', { params: { query: { objet, ...(dispositifId ? { dispositifId } : {}) } } })),
    enabled: objet.length >= 3,
    placeholderData: keepPreviousData,
  });
}

export function useReponsesPubliees(dispositifId: string) {
  return useQuery({
    queryKey: capitalisationKeys.ofDispositif(dispositifId),
    queryFn: () => unwrap(api.GET('/api/v1/reponses-publiees', { params: { query: { dispositifId, limit: 200 } } })),
  });
}

/** What the usager may be given, in words (the badge's colour says it too). */
export const DIFFUSION_LIBELLE: Record<string, string> = {
  externe: 'Externe : peut être remise telle quelle à l’usager',
  interne: 'Interne : pour les agents, à reformuler pour l’usager',
};
