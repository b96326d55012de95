import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type Schemas } from '../api/client';

export type NotificationItem = Schemas['NotificationDto'];
export type PreferencesNotifications = Schemas['PreferencesNotificationsViewDto'];

/**
 * Every inbox key starts with ['notifications']: the live stream invalidates that prefix when a
 * notification arrives, and so do our own actions. The preferences live elsewhere, so that a
 * notification's arrival never refetches (and resets) a form being edited.
 */
export const notificationKeys = {
  all: ['notifications'] as const,
  compteur: ['notifications', 'compteur'] as const,
  liste: ['notifications', 'liste'] as const,
  preferences: ['preferences-notifications'] as const,
};

/** Without the live stream, the count is polled every 30 s and refreshed when the window regains focus. */
export const COMPTEUR_INTERVALLE_MS = 30_000;

export function useCompteur() {
  return useQuery({
    queryKey: notificationKeys.compteur,
    queryFn: () => unwrap(api.GET('/api/v1/notifications/compteur')),
    refetchInterval: COMPTEUR_INTERVALLE_MS,
    refetchOnWindowFocus: 'always',
  });
}

/** The latest notifications (unread first), read when the panel opens. */
export function useListe(enabled: boolean) {
  return useQuery({
    queryKey: notificationKeys.liste,
    queryFn: () => unwrap(api.GET('/api/v1/notifications', { params: { query: { limit: 20 } } })),
    enabled,
  });
}

export function useMarquerLue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/api/v1/notifications/{id}/lue', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useToutMarquerLu() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/notifications/lues')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

/** "Notifications, 3 non lues": what the bell says to screen readers, and shows. */
export function libelleCloche(nonLues: number): string {
  if (nonLues === 0) return 'Notifications, aucune non lue';
  return `Notifications, ${nonLues} non lue${nonLues > 1 ? 's' : ''}`;
}
