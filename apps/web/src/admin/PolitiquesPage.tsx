import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { formatDateTime } from '../shared/format';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { PolitiqueForm } from './PolitiqueForm';
import { adminKeys, usePolitiques } from './queries';
import { enJournees, FLUX_LIBELLE, formatDuree, HORLOGE_CALENDRIER, HORLOGE_LIBELLE, journeeType, type Politique } from './sla-admin';

/** The siège's and the network's usual business day, to say targets in days too. */
function useJournees() {
  const siege = useQuery({ queryKey: adminKeys.calendrier('siege'), queryFn: () => unwrap(api.GET('/api/v1/calendriers/{id}', { params: { path: { id: 'siege' } } })) });
  const reseau = useQuery({ queryKey: adminKeys.calendrier('reseau'), queryFn: () => unwrap(api.GET('/api/v1/calendriers/{id}', { params: { path: { id: 'reseau' } } })) });
  return { siege: journeeType(siege.data?.spec), maison: journeeType(reseau.data?.spec) };
}

function Cible({ p, journee }: { p: Politique; journee: number | null }) {
  const jours = enJournees(p.cibleMinutesOuvrees, journee);
  return (
    <>
      <strong>{formatDuree(p.cibleMinutesOuvrees)} ouvrées</strong>
      {jours && <span className="hint"> (soit {jours})</span>}
    </>
  );
}

/** The SLA policies in plain French (admin), each editable in place. */
export function PolitiquesPage() {
  const politiques = usePolitiques();
  const journees = useJournees();
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const current = politiques.data?.items.find((p) => p.id === editing) ?? null;
  const jourDe = (p: Politique) => (p.horloge === 'prise_en_charge' || p.horloge === 'reponse' ? journees.siege : journees.maison);

  return (
    <Page title="Politiques SLA">
      <p>
        Chaque politique fixe la cible d’une horloge, en temps ouvré : seules comptent les heures d’ouverture du calendrier utilisé, hors jours fériés et fermetures.
        Quand plusieurs politiques conviennent à un ticket, la plus précise l’emporte (direction, puis thème, puis priorité).
      </p>
      <div aria-live="polite">
        {saved && (
          <p className="alert alert-success" role="status">
            Politique « {saved} » enregistrée. Elle s’applique aux horloges qui démarrent à partir de maintenant.
          </p>
        )}
      </div>
      {politiques.isPending && <Loading what="des politiques" />}
      {politiques.isError && <ErrorMessage error={politiques.error} retry={() => politiques.refetch()} />}
      {politiques.data && politiques.data.items.length === 0 && <Empty>Aucune politique SLA n’est définie.</Empty>}
      {politiques.data && politiques.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{politiques.data.items.length} politiques</caption>
            <thead>
              <tr>
                <th scope="col">Politique</th>
                <th scope="col">Horloge</th>
                <th scope="col">Cible</th>
                <th scope="col">Alerte</th>
                <th scope="col">Calendrier</th>
                <th scope="col">État</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {politiques.data.items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    {p.libelle}
                    <span className="hint admin-sub">
                      {FLUX_LIBELLE[p.flux] ?? p.flux}
                      {p.priorite ? ` · priorité ${p.priorite}` : ' · toutes priorités'}
                      {p.directionId ? ' · une direction' : ''}
                      {p.themeId ? ' · un thème' : ''} · version {p.version}, modifiée le {formatDateTime(p.modifieeLe)}
                    </span>
                  </th>
                  <td>
                    {HORLOGE_LIBELLE[p.horloge].nom}
                    <span className="hint admin-sub">{HORLOGE_LIBELLE[p.horloge].mesure}</span>
                  </td>
                  <td>
                    <Cible p={p} journee={jourDe(p)} />
                  </td>
                  <td>
                    à {p.seuilAvertissementPct} % <span className="hint">(après {formatDuree(Math.round(p.cibleMinutesOuvrees * p.seuilAvertissementPct) / 100)})</span>
                  </td>
                  <td>{HORLOGE_CALENDRIER[p.horloge]}</td>
                  <td>{p.actif ? <Badge tone="success">active</Badge> : <Badge tone="neutral">désactivée</Badge>}</td>
                  <td>
                    <button
                      type="button"
                      className="button secondary"
                      aria-label={`Modifier la politique « ${p.libelle} »`}
                      onClick={() => {
                        setSaved(null);
                        setEditing(p.id);
                      }}
                    >
                      Modifier
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && (
        <PolitiqueForm
          key={current.id}
          politique={current}
          journee={journees}
          onDone={(result) => {
            setEditing(null);
            if (result) setSaved(result.libelle);
          }}
        />
      )}
    </Page>
  );
}
