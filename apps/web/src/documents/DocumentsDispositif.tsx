import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { components } from '../api/schema';
import { ApiProblem, asProblem } from '../api/problem';
import { Badge, Empty, ErrorMessage, FieldError, Loading } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { ProblemAlert } from '../shared/TextActionForm';
import { documentKeys, useDocuments } from './queries';

type Document = components['schemas']['DocumentDto'];
type LienDocument = components['schemas']['LienDocumentDto'];

const TYPE_LIBELLE: Record<string, string> = {
  pdf: 'PDF',
  docx: 'Word',
  xlsx: 'Excel',
  pptx: 'PowerPoint',
  odt: 'OpenDocument',
  png: 'Image PNG',
  jpg: 'Image JPEG',
};

const OCTETS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

export function formatTaille(octets: number): string {
  if (octets < 1024) return `${octets} o`;
  if (octets < 1024 * 1024) return `${OCTETS.format(octets / 1024)} ko`;
  return `${OCTETS.format(octets / (1024 * 1024))} Mo`;
}

/** Downloads with the session's token (a plain link would carry none): the file goes through a temporary object URL. */
async function telecharger(doc: Document): Promise<void> {
  const blob = await unwrap(api.GET('/api/v1/documents/{id}/contenu', { params: { path: { id: doc.id } }, parseAs: 'blob' }) as never);
  const url = URL.createObjectURL(blob as Blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `${doc.titre}.${doc.extension}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "Créer un lien de partage" of an externe document: the URL is shown once (Relais keeps only its hash). */
function LienPartage({ doc }: { doc: Document }) {
  const [lien, setLien] = useState<LienDocument | null>(null);
  const creer = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/documents/{id}/liens', { params: { path: { id: doc.id } }, body: {} })),
    onSuccess: setLien,
  });
  const revoquer = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/liens/{id}', { params: { path: { id } } })),
    onSuccess: () => setLien(null),
  });
  return (
    <div className="lien-partage">
      {!lien && (
        <button type="button" className="button secondary" disabled={creer.isPending} onClick={() => creer.mutate()} aria-describedby={`lien-${doc.id}-aide`}>
          Créer un lien de partage
        </button>
      )}
      <span id={`lien-${doc.id}-aide`} className="visually-hidden">
        pour « {doc.titre} »
      </span>
      <ProblemAlert problem={asProblem(creer.error) ?? asProblem(revoquer.error)} />
      {lien && (
        <div role="group" aria-label={`Lien de partage de « ${doc.titre} »`}>
          <p>
            Lien public (affiché cette fois seulement) :{' '}
            <a href={lien.url} rel="noreferrer">
              {lien.url}
            </a>
          </p>
          <button type="button" className="button secondary" onClick={() => void navigator.clipboard?.writeText(lien.url)}>
            Copier le lien
          </button>{' '}
          <button type="button" className="button secondary" disabled={revoquer.isPending} onClick={() => revoquer.mutate(lien.id)}>
            Révoquer ce lien
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * "Supprimer" for the owning direction, confirmed in place (no browser dialog): the document,
 * its share links and its file go; the list is then read again from the API.
 */
export function SuppressionDocument({ doc }: { doc: Document }) {
  const queryClient = useQueryClient();
  const [confirmation, setConfirmation] = useState(false);
  const supprimer = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/documents/{id}', { params: { path: { id: doc.id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: documentKeys.ofDispositif(doc.dispositifId) }),
  });
  return (
    <div className="suppression-document">
      {!confirmation ? (
        <button type="button" className="button secondary" onClick={() => setConfirmation(true)} aria-label={`Supprimer « ${doc.titre} »`}>
          Supprimer
        </button>
      ) : (
        <div role="group" aria-label={`Confirmer la suppression de « ${doc.titre} »`}>
          <p>
            Supprimer définitivement « {doc.titre} » ? Ses liens de partage cesseront de fonctionner.
          </p>
          <button type="button" className="button danger" disabled={supprimer.isPending} onClick={() => supprimer.mutate()}>
            {supprimer.isPending ? 'Suppression…' : 'Confirmer la suppression'}
          </button>{' '}
          <button type="button" className="button secondary" disabled={supprimer.isPending} onClick={() => setConfirmation(false)}>
            Annuler
          </button>
        </div>
      )}
      <ProblemAlert problem={asProblem(supprimer.error)} />
    </div>
  );
}

/** The upload form of the owning direction: title, diffusion, one file. */
function DepotForm({ dispositifId }: { dispositifId: string }) {
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [depose, setDepose] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (body: FormData) =>
      unwrap(
        api.POST('/api/v1/dispositifs/{id}/documents', {
          params: { path: { id: dispositifId } },
          // The browser writes the multipart body and its boundary itself.
          body: body as never,
          bodySerializer: (b: unknown) => b as FormData,
        }),
      ),
    onSuccess: (doc) => {
      setDepose(doc.titre);
      form.current?.reset();
      void queryClient.invalidateQueries({ queryKey: documentKeys.ofDispositif(dispositifId) });
    },
  });
  const problem: ApiProblem | null = asProblem(mutation.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDepose(null);
    mutation.mutate(new FormData(event.currentTarget));
  };
  const error = (field: string) => problem?.field(field);
  const shownByField = Boolean(error('titre') || error('diffusion') || error('fichier'));
  return (
    <section aria-labelledby="depot-titre" className="card">
      <h2 id="depot-titre">Déposer un document</h2>
      <form ref={form} onSubmit={submit} noValidate aria-label="Déposer un document" encType="multipart/form-data">
        <div className="field">
          <label htmlFor="document-titre">Titre</label>
          <input id="document-titre" name="titre" type="text" maxLength={200} required aria-invalid={Boolean(error('titre'))} aria-describedby={error('titre') ? 'document-titre-erreur' : undefined} />
          <FieldError id="document-titre-erreur" message={error('titre')} />
        </div>
        <fieldset className="field choix-diffusion" aria-describedby={error('diffusion') ? 'document-diffusion-erreur' : undefined}>
          <legend>Diffusion</legend>
          <label>
            <input type="radio" name="diffusion" value="interne" defaultChecked /> Interne : agents de la Région seulement
          </label>
          <label>
            <input type="radio" name="diffusion" value="externe" /> Externe : peut être partagé avec le public par un lien
          </label>
          <FieldError id="document-diffusion-erreur" message={error('diffusion')} />
        </fieldset>
        <div className="field">
          <label htmlFor="document-fichier">Fichier (PDF, Word, Excel, PowerPoint, OpenDocument, PNG ou JPEG)</label>
          <input
            id="document-fichier"
            name="fichier"
            type="file"
            required
            accept=".pdf,.docx,.xlsx,.pptx,.odt,.png,.jpg,.jpeg"
            aria-invalid={Boolean(error('fichier'))}
            aria-describedby={error('fichier') ? 'document-fichier-erreur' : undefined}
          />
          <FieldError id="document-fichier-erreur" message={error('fichier')} />
        </div>
        <ProblemAlert problem={problem} shownByField={shownByField} />
        <div className="buttons">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? 'Envoi en cours…' : 'Déposer'}
          </button>
        </div>
        {depose && (
          <p role="status" className="alert alert-success">
            Document « {depose} » déposé.
          </p>
        )}
      </form>
    </section>
  );
}

/** The documents of a dispositif: every agent reads them; its direction deposits and shares them. */
export function DocumentsDispositif({ dispositifId }: { dispositifId: string }) {
  const documents = useDocuments(dispositifId);
  if (documents.isPending) return <Loading what="des documents" />;
  if (documents.isError) return <ErrorMessage error={documents.error} retry={() => documents.refetch()} />;
  const { items, peutDeposer } = documents.data;
  return (
    <>
      <section aria-labelledby="documents-titre" className="card">
        <h2 id="documents-titre">Documents</h2>
        {items.length === 0 ? (
          <Empty>Aucun document pour ce dispositif.</Empty>
        ) : (
          <ul className="documents">
            {items.map((doc) => (
              <li key={doc.id} id={`document-${doc.id}`}>
                <button type="button" className="button link" onClick={() => void telecharger(doc)}>
                  {doc.titre}
                </button>{' '}
                <Badge tone={doc.diffusion === 'externe' ? 'info' : 'neutral'}>{doc.diffusion === 'externe' ? 'Externe' : 'Interne'}</Badge>
                <span className="hint">
                  {' '}
                  {TYPE_LIBELLE[doc.extension] ?? doc.extension}, {formatTaille(doc.taille)} — {doc.auteur.direction}, {formatDateTime(doc.creeLe)}
                </span>
                {peutDeposer && doc.diffusion === 'externe' && <LienPartage doc={doc} />}
                {peutDeposer && <SuppressionDocument doc={doc} />}
              </li>
            ))}
          </ul>
        )}
      </section>
      {peutDeposer && <DepotForm dispositifId={dispositifId} />}
    </>
  );
}
