import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { FieldError } from '../shared/page';
import type { Commande } from './labels';
import { commandeKeys } from './queries';

const idempotencyKey = () => (typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

/** Cancels the commande (or abandons the draft) with a motif; its refusal is shown next to the motif. */
export function AnnulerCommande({ commande, label }: { commande: Commande; label: string }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const mutation = useMutation({
    mutationFn: (motif: string) =>
      unwrap(api.POST('/api/v1/commandes/{id}/annuler', { params: { path: { id: commande.id } }, headers: { 'If-Match': `"${commande.version}"` }, body: { motif } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(commandeKeys.one(commande.id), updated);
      setOpen(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: commandeKeys.all }),
  });
  const problem = asProblem(mutation.error);
  const error = problem?.field('motif');
  if (!open) {
    return (
      <button type="button" className="button secondary" aria-expanded={false} onClick={() => setOpen(true)}>
        {label}…
      </button>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate(String(new FormData(event.currentTarget).get('motif') ?? '').trim());
  };
  return (
    <form className="action-form" onSubmit={submit} noValidate aria-label={label}>
      <div className="field">
        <label htmlFor="annuler-commande-motif">Motif (les Maisons le liront)</label>
        <textarea id="annuler-commande-motif" name="motif" rows={3} aria-invalid={Boolean(error)} aria-describedby={error ? 'annuler-commande-erreur' : undefined} />
        <FieldError id="annuler-commande-erreur" message={error} />
      </div>
      {problem && !error && (
        <p role="alert" className="field-error">
          {problem.message}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {label}
        </button>
        <button type="button" className="button secondary" onClick={() => setOpen(false)}>
          Fermer
        </button>
      </div>
    </form>
  );
}
