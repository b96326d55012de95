import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { ROLE_LIBELLE, setSession, useSession } from '../auth/session';
import { Cloche } from '../notifications/Cloche';
import { RechercheBox } from '../recherche/RechercheBox';
import { navigationOf } from './navigation';
import { EtatDirect } from './flux';

/** Header with the user and sign-out, the role's navigation, and the page in <main>. */
export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signOut = async () => {
    const oidc = session?.oidc;
    setSession(null);
    queryClient.clear();
    navigate('/connexion', { replace: true });
    // With the identity provider: its session ends too (the browser goes there and comes back to Connexion).
    if (oidc) await import('../auth/oidc').then((m) => m.signOut());
  };
  return (
    <>
      <a
        className="skip-link"
        href="#contenu"
        onClick={(event) => {
          // Focus <main> itself (the next Tab goes to its first control), without a #contenu in the address.
          event.preventDefault();
          document.getElementById('contenu')?.focus();
        }}
      >
        Aller au contenu
      </a>
      <header className="site-header">
        <div className="brand">
          <span className="brand-name">Relais</span>
          <span className="brand-tagline">Région Occitanie — Maisons de Ma Région et siège</span>
        </div>
        {session && <RechercheBox />}
        {session && (
          <div className="user">
            <span>
              <strong>{session.user.displayName}</strong> · {ROLE_LIBELLE[session.user.role]}
            </span>
            <Cloche />
            <NavLink to="/preferences">Préférences</NavLink>
            <button type="button" className="button secondary" onClick={() => void signOut()}>
              Se déconnecter
            </button>
          </div>
        )}
      </header>
      {session && navigationOf(session.user.role).length > 0 && (
        <nav aria-label="Navigation principale" className="site-nav">
          <ul>
            {navigationOf(session.user.role).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {session && <EtatDirect />}
      <main id="contenu" className="site-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p>Relais — application interne de la Région Occitanie.</p>
      </footer>
    </>
  );
}
