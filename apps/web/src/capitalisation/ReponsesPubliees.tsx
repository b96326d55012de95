import { Badge, Empty, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { DIFFUSION_LIBELLE, useReponsesPubliees } from './queries';

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
              <h3>{r.question}</h3>
              <p className="reponse">{r.reponse}</p>
              <p className="hint">
                <Badge tone={r.diffusion === 'externe' ? 'success' : 'neutral'}>{DIFFUSION_LIBELLE[r.diffusion]}</Badge> — publiée le {formatDateTime(r.publieeLe)} par {r.auteur.displayName}
                {r.auteur.unite ? ` (${r.auteur.unite})` : ''}
                {r.reutilisations > 0 ? ` — réutilisée ${r.reutilisations} fois au guichet` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
