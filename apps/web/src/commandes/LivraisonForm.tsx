import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { ProblemAlert, TextareaField } from '../shared/TextActionForm';

export interface LivraisonValues {
  note: string;
  liens: string[];
}

/** Links typed one per line (blank lines ignored). */
export function liensDe(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * Delivering: a note (required) and links to the work. A link the API refuses is named
 * ("liens[1]") and its message shows next to the links field.
 */
export function LivraisonForm({
  pending,
  problem,
  relivraison,
  onSubmit,
  onCancel,
}: {
  pending: boolean;
  problem: ApiProblem | null;
  /** After a send-back: the Maison delivers again. */
  relivraison: boolean;
  onSubmit: (values: LivraisonValues) => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  const [liens, setLiens] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit({ note: note.trim(), liens: liensDe(liens) });
  };
  const errNote = problem?.field('note');
  const errLiens = problem?.field('liens');
  const label = relivraison ? 'Livrer à nouveau' : 'Livrer';
  return (
    <form id="action-livrer" className="action action-form" onSubmit={submit} noValidate aria-label={label}>
      <p className="hint">Livrer remet tout le travail de la Maison : l’émetteur le valide ou le renvoie avec un motif.</p>
      <TextareaField
        id="livrer-note"
        errorId="livrer-note-erreur"
        label="Note de livraison"
        error={errNote}
        name="note"
        required
        autoFocus
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
      />
      <TextareaField
        id="livrer-liens"
        errorId="livrer-liens-erreur"
        label="Liens vers les documents (facultatif, un par ligne)"
        error={errLiens}
        name="liens"
        rows={2}
        value={liens}
        onChange={(e) => setLiens(e.currentTarget.value)}
        placeholder="https://…"
      />
      <ProblemAlert problem={problem} shownByField={Boolean(errNote || errLiens)} />
      <div className="buttons">
        <button type="submit" className="button" disabled={pending}>
          {label}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </form>
  );
}
