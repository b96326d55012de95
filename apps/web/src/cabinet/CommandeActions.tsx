import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { TextActionForm } from '../shared/TextActionForm';
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
  if (!open) {
    return (
      <button type="button" className="button secondary" aria-expanded={false} onClick={() => setOpen(true)}>
        {label}…
      </button>
    );
  }
  return (
    <TextActionForm
      label={label}
      fieldId="annuler-commande-motif"
      errorId="annuler-commande-erreur"
      name="motif"
      fieldLabel="Motif (les Maisons le liront)"
      problemField="motif"
      problem={problem}
      pending={mutation.isPending}
      submitLabel={label}
      cancelLabel="Fermer"
      onCancel={() => setOpen(false)}
      onSubmit={(motif) => mutation.mutate(motif)}
    />
  );
}
