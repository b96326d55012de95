import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { Badge, Empty, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { ProblemAlert } from '../shared/TextActionForm';
import { capitalisationKeys, DIFFUSION_LIBELLE, type ReponsePubliee, useReponsesPubliees } from './queries';

/** Withdraws an answer (its author and the author's unit): no longer listed, suggested nor reusable. */
function Retirer({ reponse }: { reponse: ReponsePubliee }) {
  const queryClient = useQueryClient();
  const retirer = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/reponses-publiees/{id}/retirer', { params: { path: { id: reponse.id } }, headers: { 'If-Match': `"${reponse.version}"` } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: capitalisationKeys.all }),
  });
  return (
    <>
      <button type="button" className="button secondary" disabled={retirer.isPending} onClick={() => retirer.mutate()} aria-describedby={`reponse-${reponse.id}-titre`}>
        Retirer cette réponse
      </button>
      <ProblemAlert problem={asProblem(retirer.error)} />
    </>
  );
}

/** The published answers of a dispositif ("L'info pour tous"), each reachable at #reponse-<id>. */
export function ReponsesPubliees({ dispositifId }: { dispositifId: string }) {
  const reponses = useReponsesPubliees(dispositifId);
  return (
    <section aria-labelledby="reponses-publiees-titre" className="card">
      <h2 id="reponses-publiees-titre">Réponses publiées</h2>
      {reponses.isPending && <Loading what="des réponses publiées" />}
      {reponses.isError && <ErrorMessage error={reponses.error} retry={() => reponses.refetch()} />}
      {reponses.data && reponses.data.items.length === 0 && <Empty>Aucune réponse publiée pour ce dispositif.</Empty>}
      {reponses.data && reponses.data.items.length > 0 && (
        <ul className="reponses-publiees" aria-label="Réponses publiées du dispositif">
          {reponses.data.items.map((r) => (
            <li key={r.id} id={`reponse-${r.id}`}>
              <h3 id={`reponse-${r.id}-titre`}>{r.question}</h3>
              <p className="reponse">{r.reponse}</p>
              <p className="hint">
                <Badge tone={r.diffusion === 'externe' ? 'success' : 'neutral'}>{DIFFUSION_LIBELLE[r.diffusion]}</Badge> — publiée le {formatDateTime(r.publieeLe)} par {r.auteur.displayName}
                {r.auteur.unite ? ` (${r.auteur.unite})` : ''}
                {r.reutilisations > 0 ? ` — réutilisée ${r.reutilisations} fois au guichet` : ''}
              </p>
              {r.peutModifier && <Retirer reponse={r} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
