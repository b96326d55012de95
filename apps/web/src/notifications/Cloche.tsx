import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../shared/format';
import { ErrorMessage, Loading } from '../shared/page';
import { libelleCloche, useCompteur, useListe, useMarquerLue, useToutMarquerLu } from './queries';

/**
 * The bell of the header: the unread count (shown, and said: "Notifications, 3 non lues"), and
 * a panel listing the latest notifications, unread first. Choosing one marks it read and opens
 * its ticket. Keyboard: the button toggles the panel, Escape closes it and gives focus back to
 * the button; opening moves focus into the panel.
 */
export function Cloche() {
  const [ouvert, setOuvert] = useState(false);
  const compteur = useCompteur();
  const nonLues = compteur.data?.nonLues ?? 0;
  const bouton = useRef<HTMLButtonElement>(null);
  const panneau = useRef<HTMLDivElement>(null);
  const id = useId();

  const fermer = (rendreFocus: boolean) => {
    setOuvert(false);
    if (rendreFocus) bouton.current?.focus();
  };

  useEffect(() => {
    if (!ouvert) return;
    panneau.current?.focus();
    // A click outside the bell closes the panel (focus stays where the click put it).
    const dehors = (event: MouseEvent) => {
      if (!panneau.current?.parentElement?.contains(event.target as Node)) setOuvert(false);
    };
    document.addEventListener('mousedown', dehors);
    return () => document.removeEventListener('mousedown', dehors);
  }, [ouvert]);

  return (
    <div className="cloche">
      <button
        ref={bouton}
        type="button"
        className="button secondary cloche-bouton"
        aria-expanded={ouvert}
        aria-controls={ouvert ? `${id}-panneau` : undefined}
        aria-label={libelleCloche(nonLues)}
        onClick={() => setOuvert((o) => !o)}
      >
        <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {nonLues > 0 && (
          <span className="cloche-compteur" aria-hidden="true">
            {nonLues > 99 ? '99+' : nonLues}
          </span>
        )}
      </button>
      {ouvert && (
        <div
          id={`${id}-panneau`}
          ref={panneau}
          className="cloche-panneau"
          role="dialog"
          aria-labelledby={`${id}-titre`}
          tabIndex={-1}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              fermer(true);
            }
          }}
        >
          <Panneau titreId={`${id}-titre`} nonLues={nonLues} fermer={() => fermer(false)} />
        </div>
      )}
    </div>
  );
}

function Panneau({ titreId, nonLues, fermer }: { titreId: string; nonLues: number; fermer: () => void }) {
  const liste = useListe(true);
  const marquer = useMarquerLue();
  const tout = useToutMarquerLu();
  return (
    <>
      <div className="cloche-entete">
        <h2 id={titreId}>Notifications</h2>
        <button type="button" className="button link" disabled={nonLues === 0 || tout.isPending} onClick={() => tout.mutate()}>
          Tout marquer comme lu
        </button>
      </div>
      {liste.isPending ? (
        <Loading what="des notifications" />
      ) : liste.isError ? (
        <ErrorMessage error={liste.error} retry={() => void liste.refetch()} />
      ) : liste.data.items.length === 0 ? (
        <p className="empty">Aucune notification.</p>
      ) : (
        <ul className="cloche-liste">
          {liste.data.items.map((n) => (
            <li key={n.id} className={n.lueA ? 'lue' : 'non-lue'}>
              <Link
                to={n.lien}
                onClick={() => {
                  if (!n.lueA) marquer.mutate(n.id);
                  fermer();
                }}
              >
                {!n.lueA && <span className="visually-hidden">Non lue : </span>}
                {n.titre}
              </Link>
              <span className="hint">{formatDateTime(n.creeeA)}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="cloche-pied">
        <Link to="/preferences" onClick={fermer}>
          Préférences de notification
        </Link>
      </p>
    </>
  );
}
