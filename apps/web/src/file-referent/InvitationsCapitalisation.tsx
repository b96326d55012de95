import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../api/client';
import { ErrorMessage } from '../shared/page';

type Invitation = Schemas['InvitationDto'];

export const invitationsKeys = { all: ['capitalisation', 'invitations'] as const };

/**
 * The « invitations à capitaliser » of the référent's direction (ADR 0017), above the queue:
 * similar questions keep coming on a dispositif, a FAQ entry would let the MdRs answer at the
 * desk. A failure to read them never hides the queue: the banner is simply absent.
 */
export function InvitationsCapitalisation() {
  const invitations = useQuery({
    queryKey: invitationsKeys.all,
    queryFn: () => unwrap(api.GET('/api/v1/capitalisation/invitations', { params: { query: { limit: 20 } } })),
  });
  const items = invitations.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="invitations-capitalisation" className="invitations-capitalisation">
      <h2 id="invitations-capitalisation" className="visually-hidden">
        Réponses à publier
      </h2>
      {items.map((i) => (
        <InvitationBandeau key={i.id} invitation={i} />
      ))}
    </section>
  );
}

function InvitationBandeau({ invitation: i }: { invitation: Invitation }) {
  const queryClient = useQueryClient();
  const ignorer = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/capitalisation/invitations/{id}/ignorer', { params: { path: { id: i.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invitationsKeys.all }),
  });
  return (
    <div className="alert alert-info" role="note" aria-label={`Invitation à publier : ${i.dispositif.nom}`}>
      <p>
        <strong>
          {i.nombre} questions similaires sur {i.dispositif.nom} : publiez une réponse
        </strong>
      </p>
      <p>
        Une réponse publiée permettra aux Maisons de répondre au guichet. Questions concernées :{' '}
        {i.questions.map((q, k) => (
          <span key={q.id}>
            {k > 0 && ', '}
            <Link to={`/questions/${q.id}`} title={q.objet}>
              {q.reference}
            </Link>
          </span>
        ))}
        .
      </p>
      <p>
        <Link className="button" to={`/questions/${i.question.id}`}>
          Ouvrir {i.question.reference} pour publier
        </Link>{' '}
        <button type="button" className="button secondary" disabled={ignorer.isPending} onClick={() => ignorer.mutate()}>
          Ignorer
        </button>
      </p>
      {ignorer.isError && <ErrorMessage error={ignorer.error} />}
    </div>
  );
}
