import { useParams } from 'react-router';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { DocumentsDispositif } from './DocumentsDispositif';
import { useDispositif } from './queries';

/** A dispositif: what it is, who carries it, the Maisons correspondent of its thème, its documents. */
export function DispositifPage() {
  const { id = '' } = useParams();
  const dispositif = useDispositif(id);
  if (dispositif.isPending) return <Loading what="du dispositif" />;
  if (dispositif.isError) {
    return (
      <Page title="Dispositif introuvable">
        <ErrorMessage error={dispositif.error} retry={() => dispositif.refetch()} />
      </Page>
    );
  }
  const d = dispositif.data;
  return (
    <Page title={d.nom}>
      <section aria-labelledby="dispositif-titre" className="card">
        <h2 id="dispositif-titre">Le dispositif</h2>
        {d.description && <p className="description">{d.description}</p>}
        <dl className="facts">
          <dt>Direction</dt>
          <dd>{d.direction.nom}</dd>
          {d.theme && (
            <>
              <dt>Thème</dt>
              <dd>{d.theme.libelle}</dd>
              <dt>Maisons correspondantes</dt>
              <dd>{d.correspondants.map((m) => m.nom).join(', ') || 'aucune'}</dd>
            </>
          )}
        </dl>
      </section>
      <DocumentsDispositif dispositifId={d.id} />
    </Page>
  );
}
