import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, type Schemas, unwrap } from '../api/client';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { homeOf } from '../app/navigation';
import { ROLE_LIBELLE, setSession } from './session';

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

/** Demo login: one click on a seeded user (POST /auth/dev-login), then who they are (GET /me). */
export function ConnexionPage() {
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
    <Page title="Connexion">
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
    </Page>
  );
}
