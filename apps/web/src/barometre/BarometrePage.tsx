import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { asProblem } from '../api/problem';
import { isMdr } from './roles';
import { useSession } from '../auth/session';
import { ErrorMessage, Loading, Page } from '../shared/page';
import { ProblemAlert, TextareaField } from '../shared/TextActionForm';
import { enregistrer } from '../tableaux-de-bord/csv';
import { CarteBarometre } from './CarteBarometre';
import { type Barometre, barometreKeys, LIBELLE_METEO, LIBELLE_TENDANCE, type Meteo, METEOS, moisCourant, type Synthese, useBarometre, useSyntheses } from './queries';

const meteoDe = (m: string | null | undefined) => (m ? LIBELLE_METEO[m as Meteo] : '—');

/**
 * « Baromètre »: the month's weather per Maison beside its operations, on a table and a map, and
 * the monthly summaries of the network. An MdR sees the network's weather and its own detail.
 */
export function BarometrePage() {
  const session = useSession();
  const role = session?.user.role;
  const [mois, setMois] = useState(moisCourant());
  // An MdR asks for the network: its own Maison comes with its detail, the others without.
  const barometre = useBarometre(mois, role && isMdr(role) ? 'reseau' : undefined);
  return (
    <Page title="Baromètre">
      <div className="filters">
        <div className="field">
          <label htmlFor="barometre-mois">Mois</label>
          <input id="barometre-mois" type="month" value={mois} onChange={(e) => e.target.value && setMois(e.target.value)} />
        </div>
      </div>
      {barometre.isPending ? (
        <Loading what="du baromètre" />
      ) : barometre.isError ? (
        <ErrorMessage error={barometre.error} retry={() => barometre.refetch()} />
      ) : (
        <Contenu b={barometre.data} />
      )}
      <Syntheses mois={mois} peutPublier={role === 'responsable_mdr'} maisonId={session?.user.maisonId ?? null} />
    </Page>
  );
}

function Contenu({ b }: { b: Barometre }) {
  const csv = async () => {
    const blob = (await unwrap(
      api.GET('/api/v1/barometre', { params: { query: { mois: b.mois, perimetre: b.perimetre.type === 'reseau' ? 'reseau' : `${b.perimetre.type}:${b.perimetre.id}` } }, headers: { Accept: 'text/csv' }, parseAs: 'blob' }) as Promise<{ data?: Blob; error?: unknown; response: Response }>,
    )) as Blob;
    enregistrer(blob, `relais-barometre-${b.perimetre.type}-${b.mois}.csv`);
  };
  return (
    <>
      <p>
        {b.perimetre.libelle} — {b.total.total} relevé{b.total.total > 1 ? 's' : ''}, météo du mois : <strong>{meteoDe(b.total.meteoDuMois)}</strong>
        {b.total.tendance ? ` (${LIBELLE_TENDANCE[b.total.tendance].toLowerCase()})` : ''}.{' '}
        <button type="button" className="button secondary" onClick={() => void csv()}>
          Télécharger (CSV)
        </button>
      </p>
      <CarteBarometre territoires={b.territoires} mois={b.mois} />
      {/* Scrolls sideways on a tablet; focusable so the keyboard scrolls it too. */}
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Météo et opérations du mois par Maison">
        <table>
          <caption>Météo et opérations du mois par Maison — {b.mois}</caption>
          <thead>
            <tr>
              <th scope="col">Maison</th>
              <th scope="col">Météo du mois</th>
              <th scope="col">Tendance</th>
              {METEOS.map((m) => (
                <th key={m.meteo} scope="col">
                  {m.libelle}
                </th>
              ))}
              <th scope="col">Relevés</th>
              <th scope="col">Thèmes du mauvais temps</th>
              <th scope="col">Questions</th>
              <th scope="col">Escaladées</th>
              <th scope="col">Dépassements SLA</th>
              <th scope="col">Dispositifs les plus demandés</th>
            </tr>
          </thead>
          <tbody>
            {b.territoires.map((t) => (
              <tr key={t.maisonId}>
                <th scope="row">{t.nom}</th>
                <td>{meteoDe(t.meteoDuMois)}</td>
                <td>{t.tendance ? LIBELLE_TENDANCE[t.tendance] : '—'}</td>
                {METEOS.map((m) => (
                  <td key={m.meteo}>{t.comptes[m.meteo]}</td>
                ))}
                <td>{t.total}</td>
                <td>{t.detail ? t.detail.themesMauvaisTemps.map((x) => `${x.libelle} (${x.releves})`).join(', ') || '—' : '—'}</td>
                <td>{t.detail?.operations.questions ?? '—'}</td>
                <td>{t.detail?.operations.escaladees ?? '—'}</td>
                <td>{t.detail?.operations.depassementsSla ?? '—'}</td>
                <td>{t.detail ? t.detail.operations.dispositifs.map((x) => `${x.libelle} (${x.questions})`).join(', ') || '—' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Syntheses({ mois, peutPublier, maisonId }: { mois: string; peutPublier: boolean; maisonId: string | null }) {
  const syntheses = useSyntheses(mois);
  const items = syntheses.data?.items ?? [];
  const mienne = items.find((s) => s.maison.id === maisonId) ?? null;
  return (
    <section aria-labelledby="syntheses-titre">
      <h2 id="syntheses-titre">Synthèses des Maisons — {mois}</h2>
      {peutPublier && <PublierSynthese key={`${mois}-${mienne?.version ?? 0}`} mois={mois} existante={mienne} />}
      {syntheses.isPending ? (
        <Loading what="des synthèses" />
      ) : syntheses.isError ? (
        <ErrorMessage error={syntheses.error} retry={() => syntheses.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">Aucune synthèse publiée pour ce mois.</p>
      ) : (
        <ul aria-label="Synthèses publiées" className="syntheses">
          {items.map((s) => (
            <li key={s.id}>
              <h3>{s.maison.nom}</h3>
              <p>{s.texte}</p>
              <p className="hint">
                {s.auteur.displayName}, {new Date(s.modifieeLe ?? s.publieeLe).toLocaleDateString('fr-FR')}
                {s.modifieeLe ? ' (modifiée)' : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PublierSynthese({ mois, existante }: { mois: string; existante: Synthese | null }) {
  const queryClient = useQueryClient();
  const [fait, setFait] = useState(false);
  const publier = useMutation({
    mutationFn: (texte: string) =>
      unwrap(api.POST('/api/v1/barometre/syntheses', { body: { mois, texte }, headers: existante ? { 'If-Match': `"${existante.version}"` } : {} })),
    onSuccess: () => {
      setFait(true);
      queryClient.invalidateQueries({ queryKey: barometreKeys.syntheses(mois) });
    },
  });
  const problem = asProblem(publier.error);
  const err = problem?.field('texte');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    publier.mutate(String(new FormData(event.currentTarget).get('texte') ?? '').trim());
  };
  return (
    <form onSubmit={submit} noValidate className="action-form card" aria-label="Synthèse du mois de ma Maison">
      <TextareaField id="synthese-texte" errorId="synthese-texte-error" name="texte" label="Synthèse du mois de ma Maison (sans donnée personnelle)" rows={4} maxLength={3000} defaultValue={existante?.texte ?? ''} required error={err} />
      <ProblemAlert problem={problem} shownByField={Boolean(err)} />
      <div className="buttons">
        <button type="submit" className="button" disabled={publier.isPending}>
          {existante ? 'Mettre à jour la synthèse' : 'Publier la synthèse'}
        </button>
      </div>
      {fait && <p role="status">Synthèse publiée pour le réseau.</p>}
    </form>
  );
}
