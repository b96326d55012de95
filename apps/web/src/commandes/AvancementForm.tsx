import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api/problem';
import { Badge, FieldError } from '../shared/page';
import { ProblemAlert, TextareaField } from '../shared/TextActionForm';
import { type Affectation, formatEcheance } from './labels';

export interface AvancementValues {
  pourcentage: number;
  note: string | null;
  livrablesFaits: string[];
}

/** One deliverable: its libellé, its own deadline (or the commande's), done or late. */
function LivrableLibelle({ livrable, echeanceCommande }: { livrable: Affectation['livrables'][number]; echeanceCommande: string | null }) {
  return (
    <span className="livrable-libelle">
      <span>{livrable.libelle}</span>
      <span className="hint">
        {livrable.echeance ? `pour le ${formatEcheance(livrable.echeance)}` : `pour l’échéance de la commande (${formatEcheance(echeanceCommande)})`}
      </span>
      {livrable.enRetard && <Badge tone="danger">En retard</Badge>}
    </span>
  );
}

/** The deliverables as they stand, read-only (when no progress report is possible now). */
export function LivrablesListe({ affectation, echeanceCommande }: { affectation: Affectation; echeanceCommande: string | null }) {
  if (affectation.livrables.length === 0) return <p className="empty">Le cahier des charges ne liste aucun livrable.</p>;
  return (
    <ul className="checklist" aria-label="Livrables">
      {affectation.livrables.map((l) => (
        <li key={l.id} className="checklist-item">
          <span aria-hidden="true" className={`check${l.fait ? ' done' : ''}`}>
            {l.fait ? '✓' : '○'}
          </span>
          <LivrableLibelle livrable={l} echeanceCommande={echeanceCommande} />
          <Badge tone={l.fait ? 'success' : 'neutral'}>{l.fait ? 'Fait' : 'À faire'}</Badge>
        </li>
      ))}
    </ul>
  );
}

/**
 * The Maison's progress report: the deliverables to tick, a percentage and a note. The API's
 * refusals (problem+json) sit next to the field they name. Mount it with `key={affectation.version}`
 * so that it starts again from what the API holds after each report.
 */
export function AvancementForm({
  affectation,
  echeanceCommande,
  pending,
  problem,
  onSubmit,
}: {
  affectation: Affectation;
  echeanceCommande: string | null;
  pending: boolean;
  problem: ApiProblem | null;
  onSubmit: (values: AvancementValues) => void;
}) {
  const [faits, setFaits] = useState<string[]>(affectation.livrablesFaits);
  const [pourcentage, setPourcentage] = useState(String(affectation.pourcentage));
  const [note, setNote] = useState('');
  const total = affectation.livrables.length;

  const toggle = (id: string, checked: boolean) => setFaits((current) => (checked ? [...current.filter((x) => x !== id), id] : current.filter((x) => x !== id)));
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Sent as typed: the API says (next to the field) when it is not a whole number from 0 to 100.
    const value = pourcentage.trim() === '' ? Number.NaN : Number(pourcentage);
    onSubmit({
      pourcentage: value,
      note: note.trim() || null,
      // In the brief's order, whatever the order of the clicks.
      livrablesFaits: affectation.livrables.map((l) => l.id).filter((id) => faits.includes(id)),
    });
  };

  const errPourcentage = problem?.field('pourcentage');
  const errNote = problem?.field('note');
  const errLivrables = problem?.field('livrablesFaits');

  return (
    <form className="form avancement-form" onSubmit={submit} noValidate aria-label="Signaler l’avancement">
      {total > 0 ? (
        <fieldset className="field-group" aria-describedby={errLivrables ? 'avancement-livrables-erreur' : undefined}>
          <legend>
            Livrables faits ({faits.length} sur {total})
          </legend>
          <ul className="checklist">
            {affectation.livrables.map((l) => (
              <li key={l.id} className="checklist-item">
                <input
                  type="checkbox"
                  id={`livrable-${l.id}`}
                  checked={faits.includes(l.id)}
                  onChange={(e) => toggle(l.id, e.currentTarget.checked)}
                  aria-describedby={`livrable-${l.id}-echeance`}
                />
                <label htmlFor={`livrable-${l.id}`}>{l.libelle}</label>
                <span id={`livrable-${l.id}-echeance`} className="hint">
                  {l.echeance ? `pour le ${formatEcheance(l.echeance)}` : `pour l’échéance de la commande`}
                </span>
                {l.enRetard && <Badge tone="danger">En retard</Badge>}
              </li>
            ))}
          </ul>
          <FieldError id="avancement-livrables-erreur" message={errLivrables} />
        </fieldset>
      ) : (
        <p className="empty">Le cahier des charges ne liste aucun livrable.</p>
      )}
      <div className="field">
        <label htmlFor="avancement-pourcentage">Avancement (en %)</label>
        <input
          id="avancement-pourcentage"
          name="pourcentage"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          value={pourcentage}
          onChange={(e) => setPourcentage(e.currentTarget.value)}
          aria-invalid={Boolean(errPourcentage)}
          aria-describedby={errPourcentage ? 'avancement-pourcentage-erreur' : 'avancement-pourcentage-aide'}
          className="input-court"
        />
        <p id="avancement-pourcentage-aide" className="hint">
          Un nombre entier de 0 à 100 : où en est le travail de votre Maison.
        </p>
        <FieldError id="avancement-pourcentage-erreur" message={errPourcentage} />
      </div>
      <TextareaField
        id="avancement-note"
        errorId="avancement-note-erreur"
        label="Note pour l’émetteur (facultatif)"
        error={errNote}
        name="note"
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
      />
      <ProblemAlert problem={problem} shownByField={Boolean(errPourcentage || errNote || errLivrables)} />
      <div className="buttons">
        <button type="submit" className="button" disabled={pending}>
          Signaler l’avancement
        </button>
      </div>
    </form>
  );
}
