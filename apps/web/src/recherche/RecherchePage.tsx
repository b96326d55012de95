import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { type Resultat, type TypeResultat, useRecherche } from './queries';

const SECTIONS: Array<{ type: TypeResultat; titre: string }> = [
  { type: 'dispositif', titre: 'Dispositifs' },
  { type: 'document', titre: 'Documents' },
  { type: 'reponse', titre: 'Réponses publiées' },
];

/** The extract: plain text segments, the matched words in <mark> (no markup comes from the API). */
export function Extrait({ segments }: { segments: Resultat['extrait'] }) {
  if (segments.length === 0) return null;
  return (
    <p className="extrait">
      {segments.map((s, i) => (s.surligne ? <mark key={i}>{s.texte}</mark> : <span key={i}>{s.texte}</span>))}
    </p>
  );
}

/** The file name's extension, from the type the API serves (the one found in the bytes at upload). */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/** Downloads with the session's token (a plain link would carry none), through a temporary object URL. */
async function telecharger(id: string, titre: string): Promise<void> {
  const blob = (await unwrap(api.GET('/api/v1/documents/{id}/contenu', { params: { path: { id } }, parseAs: 'blob' }) as never)) as Blob;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = EXTENSIONS[blob.type] ? `${titre}.${EXTENSIONS[blob.type]}` : titre;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Where a result belongs: its dispositif's page (a document or an answer at its anchor there). */
function lienDe(r: Resultat): string | null {
  if (r.type === 'dispositif') return `/dispositifs/${r.id}`;
  if (!r.dispositif) return null;
  return `/dispositifs/${r.dispositif.id}#${r.type === 'document' ? 'document' : 'reponse'}-${r.id}`;
}

function Ligne({ r }: { r: Resultat }) {
  const lien = lienDe(r);
  return (
    <li className="resultat">
      <h3>{lien ? <Link to={lien}>{r.titre}</Link> : r.titre}</h3>
      {r.type !== 'dispositif' && r.dispositif && <p className="hint">Dispositif : {r.dispositif.nom}</p>}
      {r.dispositif?.historique && <Badge tone="warning">Dispositif clos</Badge>}
      {!r.tousLesMots && <Badge tone="neutral">Contient une partie des mots</Badge>}
      <Extrait segments={r.extrait} />
      {r.type === 'document' && (
        <button type="button" className="button link" onClick={() => void telecharger(r.id, r.titre)} aria-label={`Télécharger « ${r.titre} »`}>
          Télécharger
        </button>
      )}
    </li>
  );
}

/** Results of the header's search, by type, best first within each. */
export function RecherchePage() {
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const recherche = useRecherche(q);
  const title = q ? `Recherche : ${q}` : 'Recherche';
  if (!q) {
    return (
      <Page title={title}>
        <Empty>Tapez des mots dans le champ de recherche en haut de la page : un dispositif, un document, une question déjà posée.</Empty>
      </Page>
    );
  }
  if (recherche.isPending) return <Loading what="des résultats" />;
  if (recherche.isError) {
    const problem = asProblem(recherche.error);
    return (
      <Page title={title}>
        {problem?.status === 400 ? (
          <p role="alert" className="alert alert-error">
            {problem.field('q') ?? problem.message}
          </p>
        ) : (
          <ErrorMessage error={recherche.error} retry={() => recherche.refetch()} />
        )}
      </Page>
    );
  }
  const items = recherche.data.items;
  return (
    <Page title={title}>
      <p role="status">{items.length === 0 ? `Aucun résultat pour « ${q} ».` : `${items.length} résultat${items.length > 1 ? 's' : ''} pour « ${q} ».`}</p>
      {items.length === 0 && <Empty>Essayez d’autres mots, moins de mots, ou le nom du dispositif.</Empty>}
      {SECTIONS.map(({ type, titre }) => {
        const rows = items.filter((r) => r.type === type);
        if (rows.length === 0) return null;
        return (
          <section key={type} aria-labelledby={`resultats-${type}`} className="card">
            <h2 id={`resultats-${type}`}>
              {titre} ({rows.length})
            </h2>
            <ul className="resultats">
              {rows.map((r) => (
                <Ligne key={r.id} r={r} />
              ))}
            </ul>
          </section>
        );
      })}
    </Page>
  );
}
