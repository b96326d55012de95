import { useEffect, useRef, type ReactNode } from 'react';
import { asProblem } from '../api/problem';

/** The path of the page last shown: focus moves only when a navigation changes it. */
let shownPath: string | null = null;

/**
 * Sets the document title and, when the page was reached by navigating within the app, moves
 * focus to its heading (screen readers hear the new page; Tab continues from there). The
 * document's first page leaves focus where the browser put it, so that the skip link is the
 * first Tab stop.
 */
export function Page({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Relais`;
    const path = window.location.pathname;
    if (shownPath !== null && shownPath !== path) heading.current?.focus();
    shownPath = path;
  }, [title]);
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="loading">
      Chargement {what}…
    </p>
  );
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  const problem = asProblem(error);
  return (
    <div role="alert" className="alert alert-error">
      <p>
        <strong>{problem?.problem.title ?? 'Erreur'}</strong> : {problem?.message ?? 'une erreur inattendue est survenue.'}
      </p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          Réessayer
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  );
}

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** A badge says its meaning in words; the colour only repeats it. */
export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
