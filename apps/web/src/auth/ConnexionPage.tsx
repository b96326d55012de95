import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { homeOf } from '../app/navigation';
import type { OidcSettings } from './oidc';
import { ROLE_LIBELLE, sessionEnd, setSession } from './session';

type DevUser = Schemas['DevUserDto'];

const ROLE_ORDER: DevUser['role'][] = ['agent_mdr', 'responsable_mdr', 'referent', 'cabinet', 'manager', 'admin'];

/** Role → place (Maison, direction or the network) → users, in a stable order. */
function group(users: DevUser[]) {
  return ROLE_ORDER.map((role) => {
    const places = new Map<string, DevUser[]>();
    for (const user of users.filter((u) => u.role === role)) {
      const place = user.maisonNom ?? user.directionNom ?? 'Réseau';
      places.set(place, [...(places.get(place) ?? []), user]);
    }
    return { role, places: [...places.entries()].sort(([a], [b]) => a.localeCompare(b, 'fr')) };
  }).filter((g) => g.places.length > 0);
}

/**
 * Connexion: how depends on the API (GET /auth/configuration): the Région's identity provider
 * (authorization code + PKCE), or in the demo a picker of the seeded users.
 */
export function ConnexionPage() {
  const configuration = useQuery({
    queryKey: ['auth-configuration'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/configuration')),
    staleTime: Infinity,
  });
  const [ended] = useState(sessionEnd);
  return (
    <Page title="Connexion">
      {ended === 'expiree' && (
        <p role="status" className="alert alert-info">
          Votre session a pris fin : connectez-vous à nouveau.
        </p>
      )}
      {configuration.isPending && <Loading what="de la connexion" />}
      {configuration.isError && <ErrorMessage error={configuration.error} retry={() => configuration.refetch()} />}
      {configuration.data?.mode === 'oidc' && (
        <OidcConnexion settings={{ issuer: configuration.data.issuer!, clientId: configuration.data.clientId!, scopes: configuration.data.scopes! }} />
      )}
      {configuration.data?.mode === 'dev' && <DemoPicker />}
      {configuration.data?.mode === 'none' && (
        <p className="alert alert-error">
          Aucune méthode de connexion n’est configurée pour l’application : l’administrateur doit renseigner le fournisseur d’identité (OIDC_ISSUER).
        </p>
      )}
    </Page>
  );
}

/** The Région's account: off to the provider's sign-in page; oidc-client-ts is loaded only now. */
function OidcConnexion({ settings }: { settings: OidcSettings }) {
  const signIn = useMutation({
    mutationFn: async () => {
      const { startSignIn } = await import('./oidc');
      await startSignIn(settings);
    },
  });
  return (
    <>
      <p>Connectez-vous avec votre compte professionnel de la Région Occitanie.</p>
      {signIn.isError && (
        <div role="alert" className="alert alert-error">
          <p>
            <strong>Connexion impossible</strong> : le fournisseur d’identité ne répond pas ({signIn.error.message}). Réessayez dans un instant.
          </p>
        </div>
      )}
      <p>
        <button type="button" className="button" disabled={signIn.isPending || signIn.isSuccess} onClick={() => signIn.mutate()}>
          Se connecter avec le compte de la Région
        </button>
      </p>
    </>
  );
}

/** Demo login: one click on a seeded user (POST /auth/dev-login), then who they are (GET /me). */
function DemoPicker() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const users = useQuery({ queryKey: ['dev-users'], queryFn: () => unwrap(api.GET('/api/v1/auth/dev-users')) });
  const login = useMutation({
    mutationFn: async (email: string) => {
      const { accessToken } = await unwrap(api.POST('/api/v1/auth/dev-login', { body: { email } }));
      const user = await unwrap(api.GET('/api/v1/me', { headers: { Authorization: `Bearer ${accessToken}` } }));
      return { token: accessToken, user };
    },
    onSuccess: (session) => {
      queryClient.clear();
      setSession(session);
      navigate(homeOf(session.user.role), { replace: true });
    },
  });

  return (
    <>
      <p>Démonstration : choisissez la personne que vous incarnez. Un clic suffit.</p>
      {login.isError && <ErrorMessage error={login.error} />}
      {users.isPending && <Loading what="des comptes de démonstration" />}
      {users.isError && <ErrorMessage error={users.error} retry={() => users.refetch()} />}
      {users.data &&
        group(users.data).map(({ role, places }) => (
          <section key={role} className="picker-role" aria-labelledby={`role-${role}`}>
            <h2 id={`role-${role}`}>{ROLE_LIBELLE[role]}</h2>
            <div className="picker-places">
              {places.map(([place, list]) => (
                <div key={place} className="picker-place">
                  <h3>{place}</h3>
                  <ul className="picker-users">
                    {list.map((user) => (
                      <li key={user.email}>
                        <button type="button" className="picker-user" disabled={login.isPending} onClick={() => login.mutate(user.email)}>
                          <span className="picker-name">{user.displayName}</span>
                          {user.fonction && <span className="picker-fonction">{user.fonction}</span>}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </div>
          </section>
        ))}
    </>
  );
}
