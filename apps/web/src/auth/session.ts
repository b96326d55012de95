import { useSyncExternalStore } from 'react';
import type { Schemas } from '../api/client';

export type Me = Schemas['MeDto'];
export interface Session {
  token: string;
  user: Me;
  /** Signed in through the identity provider (its tokens held by oidc-client-ts, see oidc.ts). */
  oidc?: boolean;
}

/** Why the last session ended when the user did not ask for it: Connexion says so. */
export type SessionEnd = 'expiree';

const KEY = 'relais.session';
const listeners = new Set<() => void>();
let current: Session | null = read();
let ended: SessionEnd | null = null;

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The token lives in sessionStorage: gone with the tab, never shared with another tab. */
export function setSession(session: Session | null, end: SessionEnd | null = null): void {
  current = session;
  ended = session ? null : end;
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

export function sessionEnd(): SessionEnd | null {
  return ended;
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
