import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { FermeturesEditor } from './FermeturesEditor';
import { HorairesForm } from './HorairesForm';
import { adminKeys, ifMatch, useCalendrier } from './queries';
import { formatJour, hoursOf, type Calendrier, type Fermeture, type Hours } from './sla-admin';

export const CALENDRIER_MODIFIE_ENTRE_TEMPS =
  'Ce calendrier a été modifié entre-temps par quelqu’un d’autre. Il vient d’être rechargé : vérifiez-le, puis refaites votre modification.';

type Change = { libelle?: string; hours?: Hours; holidays?: 'FR' | null; closures?: string[]; fermetures?: Fermeture[] };

/** One calendar: its opening hours, public holidays and closures, editable by an admin. */
export function CalendrierPage() {
  const { id = '' } = useParams();
  const calendrier = useCalendrier(id);
  const queryClient = useQueryClient();
  const [stale, setStale] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: ({ base, change }: { base: Calendrier; change: Change; what: string }) => {
      const { libelle, timeZone, holidays, closures, fermetures = [] } = base.spec;
      const body = { libelle, timeZone, holidays, closures, fermetures, hours: hoursOf(base.spec), ...change };
      return unwrap(api.PUT('/api/v1/calendriers/{id}', { params: { path: { id }, header: ifMatch(base.version) }, body }));
    },
    onMutate: () => {
      setStale(false);
      setDone(null);
    },
    onSuccess: (saved, { what }) => {
      queryClient.setQueryData(adminKeys.calendrier(id), saved);
      queryClient.invalidateQueries({ queryKey: adminKeys.calendriers, exact: true });
      setDone(what);
    },
    onError: (error) => {
      if (asProblem(error)?.status === 412) {
        setStale(true);
        queryClient.invalidateQueries({ queryKey: adminKeys.calendrier(id) });
      }
    },
  });
  const problem = asProblem(save.error);
  const fieldProblem = problem && problem.status !== 412 ? problem : null;
  const apply = (change: Change, what: string) => calendrier.data && save.mutate({ base: calendrier.data, change, what });

  const title = calendrier.data ? `Calendrier : ${calendrier.data.spec.libelle}` : 'Calendrier';
  return (
    <Page title={title}>
      <p>
        <Link to="/admin/calendriers">← Tous les calendriers</Link>
      </p>
      {calendrier.isPending && <Loading what="du calendrier" />}
      {calendrier.isError && <ErrorMessage error={calendrier.error} retry={() => calendrier.refetch()} />}
      {calendrier.data && (
        <>
          <div className="alert alert-info">
            <p>
              <strong>Ce que change un enregistrement :</strong> les échéances des horloges en cours sur ce calendrier sont recalculées aussitôt ; le temps déjà
              écoulé reste compté sur l’ancien calendrier, le temps restant est replanifié sur le nouveau.
            </p>
            {calendrier.data.herite && (
              <p>
                Cette Maison suit pour l’instant le calendrier du réseau. Le premier enregistrement lui donne un calendrier propre, copie de celui du réseau avec
                vos changements ; ses horloges en cours passent alors sur ce calendrier.
              </p>
            )}
          </div>
          <div aria-live="polite">
            {done && (
              <p className="alert alert-success" role="status">
                {done} Calendrier enregistré (version {calendrier.data.version}).
              </p>
            )}
          </div>
          {stale && (
            <div role="alert" className="alert alert-warning">
              <p>{CALENDRIER_MODIFIE_ENTRE_TEMPS}</p>
            </div>
          )}
          {fieldProblem && (
            <div role="alert" className="alert alert-error">
              <p>
                <strong>{fieldProblem.problem.title}</strong> : {fieldProblem.message}
              </p>
            </div>
          )}
          {save.isError && !problem && <ErrorMessage error={save.error} />}
          <div className="admin-grid">
            <HorairesForm
              key={`horaires-${calendrier.data.version}`}
              spec={calendrier.data.spec}
              pending={save.isPending}
              problem={fieldProblem}
              onSave={(change) => apply(change, 'Horaires enregistrés.')}
            />
            <div>
              <FermeturesEditor
                value={{ closures: calendrier.data.spec.closures, fermetures: calendrier.data.spec.fermetures ?? [] }}
                pending={save.isPending}
                problem={fieldProblem}
                onChange={(next, what) => apply(next, what)}
              />
              <section className="card admin-section" aria-labelledby="jours-fermes-titre">
                <h2 id="jours-fermes-titre">Jours fermés cette année et l’an prochain</h2>
                <p className="hint">{calendrier.data.spec.holidays === 'FR' ? 'Jours fériés français (calculés) et fermetures exceptionnelles.' : 'Fermetures exceptionnelles (ce calendrier ne suit pas les jours fériés).'}</p>
                {calendrier.data.joursFermes.length === 0 ? (
                  <p className="empty">Aucun jour fermé.</p>
                ) : (
                  <ul className="admin-jours">
                    {calendrier.data.joursFermes.map((j) => (
                      <li key={j.date}>
                        <span className="nowrap">{formatJour(j.date)}</span> — {j.libelle}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </div>
          </div>
        </>
      )}
    </Page>
  );
}
