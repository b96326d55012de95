import type { MouseEvent } from 'react';
import { type BriefForm, inputIdOf, placeOf } from './brief-form';
import type { Verification } from './labels';

/** Moves focus to the input of a placed field (or the first input of its group). */
export function focusPlace(place: string): void {
  const element = document.getElementById(inputIdOf(place));
  if (!element) return;
  const target = element.tagName === 'FIELDSET' ? (element.querySelector('input, select, textarea, button') as HTMLElement | null) ?? element : element;
  target.focus();
  element.scrollIntoView?.({ block: 'center' });
}

interface Props {
  verification: Verification | undefined;
  pending: boolean;
  /** The form and the deliverable rows the API knows, in its order (to place each item). */
  form: BriefForm;
  livrableKeys: string[];
}

/** "What is missing", as GET /commandes/{id}/verification says it: each item a link to its field. */
export function VerificationPanel({ verification, pending, form, livrableKeys }: Props) {
  const go = (place: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    focusPlace(place);
  };
  return (
    <section aria-labelledby="verification-titre" className="card verification-panel">
      <h2 id="verification-titre">Vérification du cahier des charges</h2>
      <div aria-live="polite" aria-atomic="true">
        {!verification && pending && <p className="loading">Vérification en cours…</p>}
        {verification && verification.complet && (
          <p className="verification ok">
            <span aria-hidden="true">✓</span> Complet : la commande peut être émise.
          </p>
        )}
        {verification && !verification.complet && (
          <p className="verification ko">
            Incomplet : {verification.erreurs.length} élément{verification.erreurs.length > 1 ? 's' : ''} à compléter avant d’émettre.
          </p>
        )}
      </div>
      {verification && verification.erreurs.length > 0 && (
        <ul className="manquants">
          {verification.erreurs.map((e) => {
            const place = placeOf(e.field, form, livrableKeys);
            return (
              <li key={`${e.field}-${e.message}`}>
                <a href={`#${inputIdOf(place)}`} onClick={go(place)}>
                  {e.message}
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {verification && verification.alertes.length > 0 && (
        <>
          <h3>Alertes</h3>
          <ul className="alertes">
            {verification.alertes.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
