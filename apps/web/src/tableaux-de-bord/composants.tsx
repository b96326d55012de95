import { useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ResponsiveContainer } from 'recharts';
import { api, unwrap } from '../api/client';
import { asProblem, type ApiProblem } from '../api/problem';
import { useSession } from '../auth/session';
import { ErrorMessage, FieldError } from '../shared/page';
import { choixPerimetres, ecrireFiltres, lireFiltres, type FiltresTableau } from './filtres';

/**
 * The dashboard's filters as kept in the URL's query string, and a way to change them (a new
 * history entry: Back returns to the previous choice). Built on useLocation/useNavigate, which
 * the app shell already ships, so the first screen's bundle does not grow.
 */
export function useFiltresUrl(): { filtres: FiltresTableau; cle: string; setFiltres: (f: FiltresTableau) => void } {
  const location = useLocation();
  const navigate = useNavigate();
  const filtres = useMemo(() => lireFiltres(new URLSearchParams(location.search)), [location.search]);
  const setFiltres = (f: FiltresTableau) => {
    const search = ecrireFiltres(f).toString();
    navigate({ pathname: location.pathname, search: search ? `?${search}` : '' });
  };
  return { filtres, cle: location.search, setFiltres };
}

/** A retry helps when the server or the network failed, not when the API refused the request. */
export const peutReessayer = (error: unknown) => {
  const status = asProblem(error)?.status ?? 0;
  return status === 0 || status >= 500;
};

/** Chart colours: each at least 3:1 against white (WCAG 1.4.11); words and tables say the same. */
export const COULEURS = {
  aTemps: '#2e7d32',
  aRisque: '#b45309',
  depasse: '#b91c1c',
  neutre: '#5c5c66',
  principal: '#0b4fa8',
  marque: '#a3142e',
} as const;

export type Cellule = string | number;

/** A table of figures: the first column names the row. */
export function TableauChiffres({ caption, colonnes, lignes, legende = false }: { caption: string; colonnes: string[]; lignes: Cellule[][]; legende?: boolean }) {
  return (
    // Focusable so a keyboard can scroll a wide table on a tablet; named by its caption.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="figures">
        <caption className={legende ? undefined : 'visually-hidden'}>{caption}</caption>
        <thead>
          <tr>
            {colonnes.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lignes.map((ligne, i) => (
            <tr key={i}>
              {ligne.map((cellule, j) =>
                j === 0 ? (
                  <th key={j} scope="row">
                    {cellule}
                  </th>
                ) : (
                  <td key={j} className="num">
                    {cellule}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A chart with its title and its accessible equivalent. The drawing is one image for assistive
 * technologies (role="img", its summary as the name); the numbers are in a table, folded under
 * the chart (`<details>`) or shown beside it when the table is the main reading.
 */
export function Graphique({
  titre,
  resume,
  hauteur = 260,
  children,
  table,
  tableVisible = false,
}: {
  titre: string;
  resume: string;
  hauteur?: number;
  children: ReactElement;
  table: ReactNode;
  tableVisible?: boolean;
}) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={id}>
      <h3 id={id} className="chart-title">
        {titre}
      </h3>
      <div role="img" aria-label={resume} className="chart-area" style={{ height: hauteur }}>
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          {children}
        </ResponsiveContainer>
      </div>
      {tableVisible ? (
        table
      ) : (
        <details className="chart-data">
          <summary>Voir les chiffres : {titre.toLowerCase()}</summary>
          {table}
        </details>
      )}
    </figure>
  );
}

/** Key figures, each a number with its label. */
export function Chiffres({ items }: { items: Array<{ libelle: string; valeur: Cellule; ton?: 'danger' | 'warning' | 'neutral' }> }) {
  return (
    <dl className="kpis">
      {items.map((i) => (
        <div key={i.libelle} className={`kpi kpi-${i.ton ?? 'neutral'}`}>
          <dt>{i.libelle}</dt>
          <dd>{i.valeur}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Directions and MdRs of the directory (public), for the perimeter choice. */
function useAnnuaire() {
  const directions = useQuery({
    queryKey: ['annuaire', 'directions'],
    queryFn: () => unwrap(api.GET('/api/v1/directions', { params: { query: { limit: 200 } } })),
    staleTime: Infinity,
  });
  const maisons = useQuery({
    queryKey: ['annuaire', 'maisons'],
    queryFn: () => unwrap(api.GET('/api/v1/maisons', { params: { query: { limit: 200 } } })),
    staleTime: Infinity,
  });
  return { directions: directions.data?.items ?? [], maisons: maisons.data?.items ?? [], error: directions.error ?? maisons.error };
}

/**
 * The filters of a dashboard: perimeter (only those the caller may see), period, and for the SLA
 * dashboard the flux. Applied on submit (the URL's query string keeps them); the API's messages
 * about a field sit next to it.
 */
export function FiltresForm({
  filtres,
  perimetreActuel,
  onChange,
  probleme,
  avecFlux = false,
}: {
  filtres: FiltresTableau;
  /** The perimeter shown (the API's default when none was asked for). */
  perimetreActuel?: string;
  onChange: (filtres: FiltresTableau) => void;
  probleme: ApiProblem | null;
  avecFlux?: boolean;
}) {
  const session = useSession();
  const annuaire = useAnnuaire();
  const [perimetre, setPerimetre] = useState(filtres.perimetre ?? perimetreActuel ?? '');
  const [du, setDu] = useState(filtres.du ?? '');
  const [au, setAu] = useState(filtres.au ?? '');
  const [flux, setFlux] = useState<FiltresTableau['flux']>(filtres.flux ?? 'question');
  const choix = session ? choixPerimetres(session.user, annuaire.directions, annuaire.maisons) : { reseau: null, directions: [], maisons: [] };
  // The perimeter shown is always a choice, even before the directory has loaded.
  const connu = perimetre === '' || choix.reseau?.value === perimetre || [...choix.directions, ...choix.maisons].some((c) => c.value === perimetre);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ perimetre: perimetre || undefined, du: du || undefined, au: au || undefined, flux: avecFlux && flux !== 'question' ? flux : undefined });
  };
  const err = (field: string) => probleme?.field(field);
  const champ = (field: string) => ({ 'aria-invalid': err(field) ? true : undefined, 'aria-describedby': err(field) ? `filtre-${field}-error` : undefined });
  return (
    <form className="filters dashboard-filters" onSubmit={submit} aria-label="Filtres du tableau de bord">
      <div className="field">
        <label htmlFor="filtre-perimetre">Périmètre</label>
        <select id="filtre-perimetre" value={perimetre} onChange={(e) => setPerimetre(e.target.value)} {...champ('perimetre')}>
          {perimetre === '' && <option value="">Mon périmètre</option>}
          {!connu && <option value={perimetre}>{perimetre === 'reseau' ? 'Tout le réseau' : 'Périmètre demandé'}</option>}
          {choix.reseau && <option value={choix.reseau.value}>{choix.reseau.label}</option>}
          {choix.directions.length > 0 && (
            <optgroup label="Directions">
              {choix.directions.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
          {choix.maisons.length > 0 && (
            <optgroup label="Maisons de la Région">
              {choix.maisons.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <FieldError id="filtre-perimetre-error" message={err('perimetre')} />
      </div>
      <div className="field">
        <label htmlFor="filtre-du">Du</label>
        <input id="filtre-du" type="date" value={du} onChange={(e) => setDu(e.target.value)} {...champ('du')} />
        <FieldError id="filtre-du-error" message={err('du')} />
      </div>
      <div className="field">
        <label htmlFor="filtre-au">Au</label>
        <input id="filtre-au" type="date" value={au} onChange={(e) => setAu(e.target.value)} {...champ('au')} />
        <FieldError id="filtre-au-error" message={err('au')} />
      </div>
      {avecFlux && (
        <div className="field">
          <label htmlFor="filtre-flux">Flux</label>
          <select id="filtre-flux" value={flux} onChange={(e) => setFlux(e.target.value as FiltresTableau['flux'])} {...champ('flux')}>
            <option value="question">Questions</option>
            <option value="commande">Commandes (affectations)</option>
          </select>
          <FieldError id="filtre-flux-error" message={err('flux')} />
        </div>
      )}
      <div className="field filters-submit">
        <button type="submit" className="button">
          Afficher
        </button>
      </div>
      {annuaire.error ? <ErrorMessage error={annuaire.error} /> : null}
    </form>
  );
}

/** "Télécharger en CSV": the same figures as a file, with its pending and error states. */
export function BoutonCsv({ telecharger }: { telecharger: () => Promise<void> }) {
  const [etat, setEtat] = useState<{ pending: boolean; error: unknown }>({ pending: false, error: null });
  const click = async () => {
    setEtat({ pending: true, error: null });
    try {
      await telecharger();
      setEtat({ pending: false, error: null });
    } catch (error) {
      setEtat({ pending: false, error });
    }
  };
  return (
    <div className="csv">
      <button type="button" className="button secondary" onClick={click} disabled={etat.pending} aria-busy={etat.pending || undefined}>
        {etat.pending ? 'Préparation du fichier…' : 'Télécharger en CSV'}
      </button>
      {etat.error ? <ErrorMessage error={etat.error} /> : null}
    </div>
  );
}
