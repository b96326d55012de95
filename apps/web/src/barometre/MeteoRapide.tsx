import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { ProblemAlert, TextareaField } from '../shared/TextActionForm';
import { barometreKeys, LIBELLE_METEO, type Meteo, METEOS } from './queries';

/**
 * « Quel temps fait-il chez vous ? » on the agent's home screen: pick a weather, optionally a
 * short comment, Enregistrer — two actions. The comment must hold no personal data: the API
 * refuses an e-mail address or a phone number and its message is shown next to the field.
 */
export function MeteoRapide({ maisonId }: { maisonId: string }) {
  const queryClient = useQueryClient();
  const [meteo, setMeteo] = useState<Meteo | null>(null);
  const [commentaire, setCommentaire] = useState('');
  const [enregistree, setEnregistree] = useState<Meteo | null>(null);
  const enregistrer = useMutation({
    mutationFn: (body: { maisonId: string; meteo: Meteo; commentaire?: string }) =>
      unwrap(api.POST('/api/v1/barometre', { body, headers: { 'Idempotency-Key': crypto.randomUUID() } })),
    onSuccess: (r) => {
      setEnregistree(r.meteo as Meteo);
      setMeteo(null);
      setCommentaire('');
      queryClient.invalidateQueries({ queryKey: barometreKeys.all });
    },
  });
  const problem = asProblem(enregistrer.error);
  const err = problem?.field('commentaire');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!meteo) return;
    const texte = commentaire.trim();
    enregistrer.mutate({ maisonId, meteo, ...(texte ? { commentaire: texte } : {}) });
  };
  return (
    <section aria-labelledby="meteo-titre" className="card meteo-rapide">
      <h2 id="meteo-titre">Quel temps fait-il chez vous ?</h2>
      <form onSubmit={submit} noValidate aria-labelledby="meteo-titre">
        <div role="group" aria-label="Météo de l’usager" className="meteo-boutons">
          {METEOS.map((m) => (
            <button
              key={m.meteo}
              type="button"
              className={`button ${meteo === m.meteo ? '' : 'secondary'}`}
              aria-pressed={meteo === m.meteo}
              onClick={() => {
                setMeteo(m.meteo);
                setEnregistree(null);
              }}
            >
              <span aria-hidden="true">{m.icone}</span> {m.libelle}
            </button>
          ))}
        </div>
        <TextareaField
          id="meteo-commentaire"
          errorId="meteo-commentaire-error"
          name="commentaire"
          label="Commentaire (facultatif, sans nom ni coordonnées de l’usager)"
          rows={2}
          maxLength={500}
          value={commentaire}
          onChange={(e) => setCommentaire(e.target.value)}
          error={err}
        />
        <ProblemAlert problem={problem} shownByField={Boolean(err)} />
        <div className="buttons">
          <button type="submit" className="button" disabled={!meteo || enregistrer.isPending}>
            Enregistrer la météo
          </button>
        </div>
        {enregistree && (
          <p role="status">
            Météo enregistrée : {LIBELLE_METEO[enregistree]}. Merci !
          </p>
        )}
      </form>
    </section>
  );
}
