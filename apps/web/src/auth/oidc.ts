import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { api, unwrap } from '../api/client';
import { getSession, type Session, setSession } from './session';

/**
 * Sign-in through the Région's identity provider: authorization code + PKCE in the browser
 * (oidc-client-ts), a public client without secret. Imported lazily, only in OIDC mode: the
 * demo's first screen does not carry oidc-client-ts.
 *
 * The provider's tokens stay in sessionStorage (oidc-client-ts's user store, and Relais's
 * session beside it): gone with the tab. An access token about to expire is renewed with the
 * refresh token when the provider gave one; otherwise, once it expires, the session ends and
 * Connexion asks to sign in again (the provider's own session usually makes that one click).
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scopes: string;
}

/** The provider's settings, kept from the click on "Se connecter" to the return and the sign-out. */
const SETTINGS_KEY = 'relais.oidc';
export const CALLBACK_PATH = '/connexion/retour';

let manager: UserManager | null = null;
let managerKey = '';

function savedSettings(): OidcSettings | null {
  try {
    const raw = sessionStorage.getItem(SETTINGS_KEY);
    return raw ? (JSON.parse(raw) as OidcSettings) : null;
  } catch {
    return null;
  }
}

function userManager(settings: OidcSettings): UserManager {
  const key = JSON.stringify(settings);
  if (manager && managerKey === key) return manager;
  manager = new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    scope: settings.scopes,
    response_type: 'code',
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/connexion`,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Renewal is ours (below): with a refresh token only, never a hidden iframe.
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
  });
  managerKey = key;
  watch(manager);
  return manager;
}

function watch(um: UserManager): void {
  um.events.addAccessTokenExpiring(async () => {
    const user = await um.getUser();
    if (!user?.refresh_token) return;
    try {
      await um.signinSilent();
    } catch {
      // Not renewed: the session ends when the token expires (below).
    }
  });
  um.events.addUserLoaded((user) => {
    const session = getSession();
    if (session?.oidc && user.access_token !== session.token) setSession({ ...session, token: user.access_token });
  });
  um.events.addAccessTokenExpired(() => {
    if (!getSession()?.oidc) return;
    void um.removeUser();
    setSession(null, 'expiree');
  });
}

/** Leaves for the provider's sign-in page (the promise resolves as the browser navigates away). */
export async function startSignIn(settings: OidcSettings): Promise<void> {
  sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
  await userManager(settings).signinRedirect();
}

let completing: Promise<Session> | null = null;

/** Back from the provider: the code exchanged for the tokens (PKCE), then who the API says this is. */
export function completeSignIn(url = window.location.href): Promise<Session> {
  // Once per return (React's development double effects would replay the code otherwise).
  completing ??= (async () => {
    const settings = savedSettings();
    if (!settings) throw new Error('Connexion interrompue : recommencez depuis la page de connexion.');
    const um = userManager(settings);
    const user = await um.signinRedirectCallback(url);
    try {
      const me = await unwrap(api.GET('/api/v1/me', { headers: { Authorization: `Bearer ${user.access_token}` } }));
      return { token: user.access_token, user: me, oidc: true };
    } catch (error) {
      await um.removeUser();
      throw error;
    }
  })();
  const current = completing;
  void current.catch(() => undefined).finally(() => {
    if (completing === current) completing = null;
  });
  return current;
}

/** After a reload: the held tokens watched again (renewal, expiry). */
export async function resume(): Promise<void> {
  const settings = savedSettings();
  if (!settings) return;
  const user = await userManager(settings).getUser();
  if (!user || user.expired) {
    await userManager(settings).removeUser();
    if (getSession()?.oidc) setSession(null, 'expiree');
  }
}

/** The API no longer accepts the token: the provider's tokens go too. */
export async function forget(): Promise<void> {
  const settings = savedSettings();
  if (settings) await userManager(settings).removeUser();
}

/**
 * Ends the provider's session too when it offers an end_session_endpoint (RP-initiated logout,
 * back to /connexion): true when the browser is leaving for it, false for a local sign-out only.
 */
export async function signOut(): Promise<boolean> {
  const settings = savedSettings();
  if (!settings) return false;
  const um = userManager(settings);
  try {
    const endSession = await um.metadataService.getEndSessionEndpoint();
    if (endSession && (await um.getUser())) {
      await um.signoutRedirect();
      return true;
    }
  } catch {
    // Provider unreachable: at least end the session here.
  }
  await um.removeUser();
  return false;
}
