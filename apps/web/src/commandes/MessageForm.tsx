import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { FieldError } from '../shared/page';
import { commandeKeys } from './queries';

type Visibilite = 'partage' | 'interne';

/**
 * Writing on the commande's fil: a message every participant reads, or an internal note that
 * stays inside the writer's unit (the Maison). The API refuses an empty text next to the field.
 */
export function MessageForm({ commandeId }: { commandeId: string }) {
  const queryClient = useQueryClient();
  const [texte, setTexte] = useState('');
  const [visibilite, setVisibilite] = useState<Visibilite>('partage');
  const mutation = useMutation({
    mutationFn: (body: { texte: string; visibilite: Visibilite }) =>
      unwrap(api.POST('/api/v1/commandes/{id}/messages', { params: { path: { id: commandeId } }, body })),
    onSuccess: () => setTexte(''),
    onSettled: () => queryClient.invalidateQueries({ queryKey: commandeKeys.fil(commandeId) }),
  });
  const problem = asProblem(mutation.error);
  const errTexte = problem?.field('texte');
  const errVisibilite = problem?.field('visibilite');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate({ texte: texte.trim(), visibilite });
  };
  return (
    <form className="action-form commande-message-form" onSubmit={submit} noValidate aria-label="Écrire un message sur le fil">
      <div className="field">
        <label htmlFor="message-texte">Votre message sur le fil</label>
        <textarea
          id="message-texte"
          rows={2}
          value={texte}
          onChange={(e) => setTexte(e.currentTarget.value)}
          aria-invalid={Boolean(errTexte)}
          aria-describedby={errTexte ? 'message-texte-erreur' : undefined}
        />
        <FieldError id="message-texte-erreur" message={errTexte} />
      </div>
      <fieldset className="commande-visibilite" aria-describedby={errVisibilite ? 'message-visibilite-erreur' : undefined}>
        <legend>Qui le lira</legend>
        <label className="choice-inline">
          <input type="radio" name="visibilite" value="partage" checked={visibilite === 'partage'} onChange={() => setVisibilite('partage')} /> Tous les participants
        </label>
        <label className="choice-inline">
          <input type="radio" name="visibilite" value="interne" checked={visibilite === 'interne'} onChange={() => setVisibilite('interne')} /> Votre Maison seulement
          (note interne)
        </label>
        <FieldError id="message-visibilite-erreur" message={errVisibilite} />
      </fieldset>
      {problem && !errTexte && !errVisibilite && (
        <p role="alert" className="field-error">
          {problem.message}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="button secondary" disabled={mutation.isPending}>
          Publier sur le fil
        </button>
      </div>
    </form>
  );
}
