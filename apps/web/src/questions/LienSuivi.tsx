import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { asProblem } from '../api/problem';
import { ProblemAlert } from '../shared/TextActionForm';
import type { Question } from './labels';
import { questionKeys } from './queries';

type LienSuivi = components['schemas']['LienSuiviDto'];

const DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' });

/** The QR code of `url`, drawn as SVG; the `qrcode` package loads only when a link is shown (not with the first screen). */
function QrCode({ url }: { url: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    import('qrcode')
      .then((qrcode) => qrcode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }))
      .then((drawn) => live && setSvg(drawn))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [url]);
  if (failed) return <p className="hint">Le QR code n’a pas pu être dessiné : l’adresse ci-dessous suffit.</p>;
  if (!svg) return <p className="loading">Préparation du QR code…</p>;
  return <img className="qr-code" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt="QR code de la page de suivi" width={180} height={180} />;
}

/** Prints the receipt alone: the page's print stylesheet shows only `.recu-suivi` while this class is on <html>. */
function imprimerRecu(): void {
  const root = document.documentElement;
  root.classList.add('impression-recu');
  const done = () => {
    root.classList.remove('impression-recu');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  // Browsers whose print() returns before printing end with afterprint; those that block are done here.
  setTimeout(done, 0);
}

/**
 * The desk's tracking link for the usager: asked from the API (which says through
 * `lienSuiviPossible` whether the caller may), shown once with its QR code, and printable as a
 * receipt holding the reference, the date, the Maison, the QR code and the address — nothing
 * about the usager. A new link replaces the previous one.
 */
export function LienSuiviPanel({ question }: { question: Question }) {
  const queryClient = useQueryClient();
  const [lien, setLien] = useState<LienSuivi | null>(null);
  const mutation = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/questions/{id}/lien-suivi', { params: { path: { id: question.id } } })),
    onSuccess: setLien,
    // The handing is on the Maison's fil.
    onSettled: () => queryClient.invalidateQueries({ queryKey: questionKeys.one(question.id) }),
  });
  if (!question.lienSuiviPossible && !lien) return null;
  return (
    <section aria-labelledby="lien-suivi-titre" className="card lien-suivi">
      <h2 id="lien-suivi-titre">Suivi pour l’usager</h2>
      <p className="hint">
        L’usager suit l’avancement de sa demande sur une page sans compte ni donnée personnelle. Un nouveau lien remplace le précédent, qui cesse de fonctionner.
      </p>
      <button type="button" className="button secondary" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
        {lien ? 'Remplacer le lien de suivi' : 'Lien de suivi pour l’usager'}
      </button>
      <ProblemAlert problem={asProblem(mutation.error)} />
      {lien && (
        <>
          <div className="recu-suivi" role="group" aria-label="Reçu à remettre à l’usager">
            <p className="recu-titre">Suivi de votre demande</p>
            <p className="recu-maison">{question.maison.nom}</p>
            <p>
              Votre demande <strong>{question.reference}</strong>, enregistrée le {DATE.format(new Date(question.createdAt))}.
            </p>
            <QrCode url={lien.url} />
            <p>
              Suivez son avancement en scannant ce code ou à l’adresse :<br />
              <a className="recu-url" href={lien.url} target="_blank" rel="noreferrer noopener">
                {lien.url}
              </a>
            </p>
            {lien.expireLe && <p>Page consultable jusqu’au {DATE.format(new Date(lien.expireLe))}.</p>}
          </div>
          <button type="button" className="button" onClick={imprimerRecu}>
            Imprimer le reçu
          </button>
        </>
      )}
    </section>
  );
}
