import type { ReactNode } from 'react';
import { useSession } from '../auth/session';
import { Page } from '../shared/page';

/** The admin screens, for the admin role only (the API refuses the others anyway). */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session?.user.role === 'admin') return <>{children}</>;
  return (
    <Page title="Accès refusé">
      <p>Cette page est réservée à l’administration de Relais. Votre rôle ne permet pas de l’ouvrir.</p>
      <p>Si vous pensez devoir y accéder, adressez-vous à l’administration de Relais.</p>
    </Page>
  );
}
