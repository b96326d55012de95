import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { FieldError } from '../shared/page';

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
  const other = problem && !errNote && !errLiens ? problem.message : null;
  const label = relivraison ? 'Livrer à nouveau' : 'Livrer';
  return (
    <form id="action-livrer" className="action action-form" onSubmit={submit} noValidate aria-label={label}>
      <p className="hint">Livrer remet tout le travail de la Maison : l’émetteur le valide ou le renvoie avec un motif.</p>
      <div className="field">
        <label htmlFor="livrer-note">Note de livraison</label>
        <textarea
          id="livrer-note"
          name="note"
          rows={3}
          required
          autoFocus
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          aria-invalid={Boolean(errNote)}
          aria-describedby={errNote ? 'livrer-note-erreur' : undefined}
        />
        <FieldError id="livrer-note-erreur" message={errNote} />
      </div>
      <div className="field">
        <label htmlFor="livrer-liens">Liens vers les documents (facultatif, un par ligne)</label>
        <textarea
          id="livrer-liens"
          name="liens"
          rows={2}
          value={liens}
          onChange={(e) => setLiens(e.currentTarget.value)}
          placeholder="https://…"
          aria-invalid={Boolean(errLiens)}
          aria-describedby={errLiens ? 'livrer-liens-erreur' : undefined}
        />
        <FieldError id="livrer-liens-erreur" message={errLiens} />
      </div>
      {other && (
        <p role="alert" className="field-error">
          {other}
        </p>
      )}
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
