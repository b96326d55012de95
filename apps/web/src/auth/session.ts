import { useSyncExternalStore } from 'react';
import type { Schemas } from '../api/client';

export type Me = Schemas['MeDto'];
export interface Session {
  token: string;
  user: Me;
}

const KEY = 'relais.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The token lives in sessionStorage: gone with the tab, never shared with another tab. */
export function setSession(session: Session | null): void {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else {
    sessionStorage.removeItem(KEY);
    // The queue board's cookie (set by the admin's link to it) goes with the session.
    document.cookie = 'relais_token=; Path=/admin/queues; Max-Age=0; SameSite=Strict';
  }
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => current,
  );
}

export const ROLE_LIBELLE: Record<Me['role'], string> = {
  agent_mdr: 'Agent de Maison',
  responsable_mdr: 'Responsable de Maison',
  referent: 'Référent',
  cabinet: 'Cabinet',
  manager: 'Manager',
  admin: 'Administration',
};
