import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { EventSource } from 'eventsource';
import { useEffect, useState } from 'react';
import type { Schemas } from '../api/client';
import { getSession, useSession } from '../auth/session';

/** The live stream (GET /api/v1/flux, ADR 0012): `open` once connected, `coupe` while it is down and being retried. */
export type EtatFlux = 'connexion' | 'ouvert' | 'coupe';

/** What a `fil` event says (its data, as the OpenAPI document describes it): which ticket to refetch. */
export type EvenementFil = Schemas['FluxFilEvenementDto'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Events of one burst (an escalation writes several) refetch once. */
const REGROUPEMENT_MS = 150;
/** After a refused stream (401, 429, 503: the library stops there), try again after this long. */
const NOUVEL_ESSAI_MS = 5_000;

/**
 * The queries a new event on a ticket makes stale: that ticket's own (detail, fil, its
 * verification), every list and queue of its kind (questions, the référent's queue, commandes
 * received or sent, an affectation's page) and the dashboards — not the other tickets' pages.
 * Only the queries on screen refetch; the others are marked stale.
 */
export function cleARafraichir(queryKey: readonly unknown[], evenement: Pick<EvenementFil, 'ticketType' | 'ticketId'>): boolean {
  const [racine, second] = queryKey;
  if (racine === 'tableaux-de-bord') return true;
  if (racine !== (evenement.ticketType === 'question' ? 'questions' : 'commandes')) return false;
  return !(typeof second === 'string' && UUID.test(second)) || second === evenement.ticketId;
}

/** Applies a burst of events to the query cache: one invalidation for all of them. */
function invalider(queryClient: QueryClient, fils: EvenementFil[], notifications: boolean, tout: boolean): void {
  if (tout) {
    void queryClient.invalidateQueries();
    return;
  }
  if (fils.length > 0) void queryClient.invalidateQueries({ predicate: (query) => fils.some((e) => cleARafraichir(query.queryKey, e)) });
  if (notifications) void queryClient.invalidateQueries({ queryKey: ['notifications'] });
}

/**
 * One live stream per tab while signed in, opened at the app's level: a new event on a ticket
 * refetches what shows it, a notification refetches the inbox (every ['notifications', …] key),
 * a `resync` (events missed beyond replay) refetches everything. The `eventsource` package sends
 * the bearer token through its `fetch` and resumes with Last-Event-ID by itself.
 */
export function useFlux(): EtatFlux {
  const session = useSession();
  const queryClient = useQueryClient();
  const [etat, setEtat] = useState<EtatFlux>('connexion');
  const token = session?.token ?? null;

  useEffect(() => {
    if (!token) return;
    let source: EventSource | null = null;
    let nouvelEssai: ReturnType<typeof setTimeout> | undefined;
    let regroupement: ReturnType<typeof setTimeout> | undefined;
    let fermee = false;
    // At least once: an event may come twice (a retried delivery); its id says so.
    const vus = new Set<string>();
    let fils: EvenementFil[] = [];
    let notifications = false;
    let tout = false;

    const planifier = () => {
      regroupement ??= setTimeout(() => {
        regroupement = undefined;
        invalider(queryClient, fils, notifications, tout);
        fils = [];
        notifications = false;
        tout = false;
      }, REGROUPEMENT_MS);
    };
    const nouveau = (id: string) => {
      if (vus.has(id)) return false;
      vus.add(id);
      if (vus.size > 500) vus.delete(vus.values().next().value!);
      return true;
    };

    const ouvrir = () => {
      source = new EventSource(new URL('/api/v1/flux', window.location.origin), {
        // The session's token at each (re)connection: an OIDC renewal is picked up.
        fetch: (input, init) =>
          globalThis.fetch(input, { ...init, headers: { ...init?.headers, Authorization: `Bearer ${getSession()?.token ?? token}` } }),
      });
      source.onopen = () => setEtat('ouvert');
      source.onerror = () => {
        if (fermee) return;
        setEtat('coupe');
        // A network cut is retried by the library; a refused answer closes the source: retry later.
        if (source?.readyState === EventSource.CLOSED) nouvelEssai = setTimeout(ouvrir, NOUVEL_ESSAI_MS);
      };
      source.addEventListener('fil', (event) => {
        const evenement = JSON.parse(event.data) as EvenementFil;
        if (!nouveau(`fil:${evenement.id}`)) return;
        fils.push(evenement);
        planifier();
      });
      source.addEventListener('notification', (event) => {
        if (!nouveau(`notification:${(JSON.parse(event.data) as Schemas['FluxNotificationDto']).id}`)) return;
        notifications = true;
        planifier();
      });
      source.addEventListener('resync', () => {
        tout = true;
        planifier();
      });
    };
    setEtat('connexion');
    ouvrir();
    return () => {
      fermee = true;
      clearTimeout(nouvelEssai);
      clearTimeout(regroupement);
      source?.close();
    };
  }, [token, queryClient]);

  return token ? etat : 'connexion';
}

/**
 * Opens the stream and says so only when it is down: nothing while live (or connecting), a
 * discreet line while updates are paused. The status region is always there so that screen
 * readers announce the change.
 */
export function EtatDirect() {
  const etat = useFlux();
  return (
    <p role="status" className="etat-direct">
      {etat === 'coupe' ? 'Mises à jour en pause, reconnexion…' : ''}
    </p>
  );
}
