import type { FormEvent, ReactNode, TextareaHTMLAttributes } from 'react';
import type { ApiProblem } from '../api/problem';
import { FieldError } from './page';

/** The API's refusal as an alert, unless the field it names already shows it next to itself. */
export function ProblemAlert({ problem, shownByField }: { problem: ApiProblem | null; shownByField?: boolean }) {
  if (!problem || shownByField) return null;
  return (
    <p role="alert" className="field-error">
      {problem.message}
    </p>
  );
}

/** A labelled textarea with the API's message for it next to it (aria-invalid, aria-describedby); 3 rows unless told. */
export function TextareaField({ id, errorId, label, error, ...textarea }: { id: string; errorId: string; label: ReactNode; error?: string } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} rows={3} {...textarea} aria-invalid={Boolean(error)} aria-describedby={error ? errorId : undefined} />
      <FieldError id={errorId} message={error} />
    </div>
  );
}

export interface TextActionFormProps {
  /** The form's accessible name. */
  label: string;
  id?: string;
  className?: string;
  /** The textarea: its id, the id of its error, its form name and its label. */
  fieldId: string;
  errorId: string;
  name: string;
  fieldLabel: string;
  /** The body field the API names in its problem+json (shown next to the textarea). */
  problemField: string;
  required?: boolean;
  autoFocus?: boolean;
  problem: ApiProblem | null;
  pending: boolean;
  submitLabel: string;
  submitClassName?: string;
  /** The secondary button that closes the form (none without onCancel). */
  cancelLabel?: string;
  onCancel?: () => void;
  /** Called with the text, trimmed. */
  onSubmit: (text: string) => void;
}

/**
 * An action with one text (a motif, an answer, a question): the textarea, the API's message for
 * its field next to it (aria-invalid, aria-describedby), any other refusal as an alert, submit
 * and close.
 */
export function TextActionForm(props: TextActionFormProps) {
  const { problem } = props;
  const error = problem?.field(props.problemField);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    props.onSubmit(String(new FormData(event.currentTarget).get(props.name) ?? '').trim());
  };
  return (
    <form id={props.id} className={props.className ?? 'action-form'} onSubmit={submit} noValidate aria-label={props.label}>
      <TextareaField
        id={props.fieldId}
        errorId={props.errorId}
        label={props.fieldLabel}
        error={error}
        name={props.name}
        required={props.required}
        autoFocus={props.autoFocus}
      />
      <ProblemAlert problem={problem} shownByField={Boolean(error)} />
      <div className="buttons">
        <button type="submit" className={props.submitClassName ?? 'button'} disabled={props.pending}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" className="button secondary" onClick={props.onCancel}>
            {props.cancelLabel ?? 'Annuler'}
          </button>
        )}
      </div>
    </form>
  );
}
