import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { asProblem } from '../api/problem';
import { homeOf } from '../app/navigation';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { completeSignIn } from './oidc';
import { setSession } from './session';

/** Why the return from the provider failed, in a French sentence (oidc-client-ts's own messages are English). */
function providerMessage(error: unknown): string {
  const e = error as { error?: string; error_description?: string; message?: string };
  if (e?.error === 'access_denied') return 'la connexion a été refusée ou annulée chez le fournisseur d’identité.';
  // An error the provider sent back (RFC 6749 §4.1.2.1).
  if (e?.error) return `le fournisseur d’identité a refusé la connexion (${e.error_description ?? e.error}).`;
  if (/state/i.test(e?.message ?? '')) return 'cette adresse ne correspond à aucune connexion en cours : recommencez depuis la page de connexion.';
  if (/fetch|network/i.test(e?.message ?? '')) return 'le fournisseur d’identité ne répond pas. Réessayez dans un instant.';
  return e?.message ?? 'une erreur inattendue est survenue.';
}

/** /connexion/retour: back from the identity provider, the sign-in completed, then home. */
export function ConnexionRetourPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let active = true;
    completeSignIn().then(
      (session) => {
        if (!active) return;
        queryClient.clear();
        setSession(session);
        navigate(homeOf(session.user.role), { replace: true });
      },
      (err: unknown) => {
        if (active) setError(err);
      },
    );
    return () => {
      active = false;
    };
  }, [navigate, queryClient]);

  return (
    <Page title={error ? 'Connexion impossible' : 'Connexion en cours'}>
      {!error && <Loading what="de votre session" />}
      {error != null &&
        (asProblem(error) ? (
          <ErrorMessage error={error} />
        ) : (
          <div role="alert" className="alert alert-error">
            <p>
              <strong>Connexion impossible</strong> : {providerMessage(error)}
            </p>
          </div>
        ))}
      {error != null && (
        <p>
          <Link to="/connexion">Revenir à la page de connexion</Link>
        </p>
      )}
    </Page>
  );
}
