import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { asProblem } from '../../api/problem';
import { formatDateTime } from '../../shared/format';
import { Empty, ErrorMessage, FieldError, Loading, Page } from '../../shared/page';
import { dureeConservation } from './duree';
import { identifiant, LIBELLES_ACTE, rgpdKeys, useJournalRgpd, type Effacement, type ExportRgpd, type Par } from './rgpd';

/** The export as a file to download (JSON, indented), its address released when replaced. */
function useFichier(data: ExportRgpd | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!data) return setUrl(null);
    const next = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [data]);
  return url;
}

function Recherche({ par, setPar, valeur, setValeur, erreur }: { par: Par; setPar: (p: Par) => void; valeur: string; setValeur: (v: string) => void; erreur?: string }) {
  return (
    <>
      <fieldset>
        <legend>Rechercher l’usager par</legend>
        <div className="field checkbox">
          <input id="rgpd-par-email" type="radio" name="rgpd-par" checked={par === 'email'} onChange={() => setPar('email')} />
          <label htmlFor="rgpd-par-email">Adresse e-mail</label>
        </div>
        <div className="field checkbox">
          <input id="rgpd-par-telephone" type="radio" name="rgpd-par" checked={par === 'telephone'} onChange={() => setPar('telephone')} />
          <label htmlFor="rgpd-par-telephone">Numéro de téléphone</label>
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="rgpd-valeur">{par === 'email' ? 'Adresse e-mail de l’usager' : 'Numéro de téléphone de l’usager'}</label>
        <input
          id="rgpd-valeur"
          type={par === 'email' ? 'email' : 'tel'}
          autoComplete="off"
          value={valeur}
          onChange={(e) => setValeur(e.target.value)}
          placeholder={par === 'email' ? 'prenom.nom@exemple.fr' : '04 68 11 22 33'}
          aria-invalid={Boolean(erreur)}
          aria-describedby={erreur ? 'rgpd-valeur-error' : 'rgpd-valeur-hint'}
        />
        <p className="hint" id="rgpd-valeur-hint">
          {par === 'email' ? 'Sans distinction de majuscules.' : 'Sous toute forme : espaces, points, +33.'}
        </p>
        <FieldError id="rgpd-valeur-error" message={erreur} />
      </div>
    </>
  );
}

/** The right of access: the export, summarised on screen and downloaded as JSON. */
/** The field error of the identifier, if the API named it: shown under the search field. */
const erreurIdentifiant = (error: unknown) => asProblem(error)?.field('email') ?? asProblem(error)?.field('telephone');

function Acces({ par, valeur, onErreur }: { par: Par; valeur: string; onErreur: (message?: string) => void }) {
  const queryClient = useQueryClient();
  const exporter = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/rgpd/acces', { body: identifiant(par, valeur) })),
    onSuccess: () => onErreur(undefined),
    onError: (error) => onErreur(erreurIdentifiant(error)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: rgpdKeys.all }),
  });
  const fichier = useFichier(exporter.data);
  const problem = asProblem(exporter.error);
  const n = exporter.data?.questions.length ?? 0;
  return (
    <section aria-labelledby="rgpd-acces-titre">
      <h2 id="rgpd-acces-titre">Droit d’accès : exporter ses données</h2>
      <p>L’export contient chaque question de l’usager : ses textes, ses coordonnées, tout son fil (notes internes comprises), ses liens de suivi et les notifications à son sujet. Il est inscrit au journal.</p>
      <div className="buttons">
        <button type="button" className="button" disabled={exporter.isPending || !valeur.trim()} onClick={() => exporter.mutate()}>
          {exporter.isPending ? 'Export…' : 'Exporter les données (JSON)'}
        </button>
      </div>
      {problem && !erreurIdentifiant(exporter.error) && (
        <div role="alert" className="alert alert-error">
          <p>{problem.message}</p>
        </div>
      )}
      {exporter.isError && !problem && <ErrorMessage error={exporter.error} />}
      <div aria-live="polite">
        {exporter.data && fichier && (
          <div className="alert alert-success" role="status">
            <p>
              {n === 0
                ? 'Relais ne détient aucune donnée sur cet usager (ou elles sont déjà anonymisées).'
                : `${n === 1 ? '1 question trouvée' : `${n} questions trouvées`} : ${exporter.data.questions.map((q) => String(q.reference)).join(', ')}.`}
            </p>
            <p>
              <a className="button secondary" href={fichier} download={`relais-rgpd-acces-${exporter.data.genereLe.slice(0, 10)}.json`}>
                Télécharger l’export (JSON)
              </a>
            </p>
          </div>
        )}
      </div>
    </section>
  );
}

/** The right to erasure: a motif, then a confirmation; the same anonymisation as the retention job. */
function EffacementForm({ par, valeur, onErreur }: { par: Par; valeur: string; onErreur: (message?: string) => void }) {
  const queryClient = useQueryClient();
  const [motif, setMotif] = useState('');
  const [confirming, setConfirming] = useState(false);
  const effacer = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/rgpd/effacements', { body: { ...identifiant(par, valeur), motif: motif.trim() } })),
    onSuccess: () => {
      setMotif('');
      setConfirming(false);
      onErreur(undefined);
    },
    onError: (error) => {
      setConfirming(false);
      onErreur(erreurIdentifiant(error));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: rgpdKeys.all }),
  });
  const problem = asProblem(effacer.error);
  const fait: Effacement | undefined = effacer.data;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setConfirming(true);
  };
  return (
    <section aria-labelledby="rgpd-effacement-titre">
      <h2 id="rgpd-effacement-titre">Droit à l’effacement</h2>
      <p>
        Les coordonnées de l’usager et les textes de ses questions sont remplacés par « [anonymisé] » partout (le fil reste vérifiable) ; les états, dates, Maison et
        dispositif restent pour les statistiques. C’est définitif. Refusé tant qu’une de ses questions est ouverte.
      </p>
      <form onSubmit={submit} noValidate className="form admin-form" aria-label="Effacer les données de l’usager">
        <div className="field">
          <label htmlFor="rgpd-motif">Motif</label>
          <textarea
            id="rgpd-motif"
            rows={2}
            value={motif}
            onChange={(e) => setMotif(e.target.value)}
            aria-invalid={Boolean(problem?.field('motif'))}
            aria-describedby={problem?.field('motif') ? 'rgpd-motif-error' : 'rgpd-motif-hint'}
          />
          <p className="hint" id="rgpd-motif-hint">
            La demande reçue et sa référence, sans donnée personnelle : le motif est gardé au journal.
          </p>
          <FieldError id="rgpd-motif-error" message={problem?.field('motif')} />
        </div>
        {!confirming && (
          <div className="buttons">
            <button type="submit" className="button secondary" disabled={!valeur.trim() || effacer.isPending}>
              Effacer les données de cet usager…
            </button>
          </div>
        )}
        {confirming && (
          <div role="group" aria-label="Confirmer l’effacement">
            <p className="hint">
              Effacer les données de l’usager <strong>{valeur.trim()}</strong> ? Elles ne pourront pas être retrouvées.
            </p>
            <div className="buttons">
              <button type="button" className="button" disabled={effacer.isPending} onClick={() => effacer.mutate()}>
                Confirmer l’effacement
              </button>
              <button type="button" className="button secondary" onClick={() => setConfirming(false)}>
                Annuler
              </button>
            </div>
          </div>
        )}
      </form>
      <div aria-live="polite">
        {problem && !problem.field('motif') && !erreurIdentifiant(effacer.error) && (
          <div role="alert" className="alert alert-error">
            <p>{problem.message}</p>
          </div>
        )}
        {effacer.isError && !problem && <ErrorMessage error={effacer.error} />}
        {fait && (
          <p className="alert alert-success" role="status">
            {fait.questions.length === 0
              ? 'Aucune donnée de cet usager n’était détenue ; la demande est inscrite au journal.'
              : `Données effacées : ${fait.questions.length === 1 ? '1 question anonymisée' : `${fait.questions.length} questions anonymisées`} (${fait.questions.map((q) => q.reference).join(', ')}).`}
          </p>
        )}
      </div>
    </section>
  );
}

function Journal() {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const journal = useJournalRgpd(cursors[cursors.length - 1]);
  return (
    <section aria-labelledby="rgpd-journal-titre">
      <h2 id="rgpd-journal-titre">Journal</h2>
      {journal.isPending && <Loading what="du journal" />}
      {journal.isError && <ErrorMessage error={journal.error} retry={() => journal.refetch()} />}
      {journal.data && journal.data.items.length === 0 && <Empty>Aucun acte n’est encore inscrit.</Empty>}
      {journal.data && journal.data.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="rgpd-journal-titre">
          <table>
            <caption>Rétentions, effacements et exports, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Acte</th>
                <th scope="col">Par</th>
                <th scope="col">Motif</th>
                <th scope="col">Questions</th>
              </tr>
            </thead>
            <tbody>
              {journal.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <th scope="row">{LIBELLES_ACTE[e.acte] ?? e.acte}</th>
                  <td>{e.acteur?.displayName ?? 'Traitement automatique'}</td>
                  <td>{e.motif ?? '—'}</td>
                  <td>{e.questions.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="buttons">
        {cursors.length > 1 && (
          <button type="button" className="button secondary" onClick={() => setCursors((c) => c.slice(0, -1))}>
            Actes plus récents
          </button>
        )}
        {journal.data?.nextCursor && (
          <button type="button" className="button secondary" onClick={() => setCursors((c) => [...c, journal.data!.nextCursor])}>
            Actes plus anciens
          </button>
        )}
      </div>
    </section>
  );
}

/**
 * « Données personnelles (RGPD) » (admin; issue 16, ADR 0023): an usager's data found by e-mail or
 * phone, exported (right of access) or erased (right to erasure), and the journal of every act.
 */
export function RgpdPage() {
  const [par, setPar] = useState<Par>('email');
  const [valeur, setValeur] = useState('');
  const [erreur, setErreur] = useState<string | undefined>();
  // The first journal page (shared with the journal below) carries the retention period in force.
  const retentionMois = useJournalRgpd(null).data?.retentionMois;
  return (
    <Page title="Données personnelles (RGPD)">
      <p>
        Relais garde les coordonnées d’un usager et les textes de ses questions{' '}
        {retentionMois ? `jusqu’à ${dureeConservation(retentionMois)} après leur clôture` : 'pendant la durée de conservation fixée'}, puis les anonymise chaque
        nuit. Ici, à la demande d’un
        usager dont vous avez vérifié l’identité : l’export de tout ce que Relais détient sur lui, ou leur effacement immédiat.
      </p>
      <Recherche
        par={par}
        setPar={(p) => {
          setPar(p);
          setValeur('');
          setErreur(undefined);
        }}
        valeur={valeur}
        setValeur={setValeur}
        erreur={erreur}
      />
      <Acces par={par} valeur={valeur} onErreur={setErreur} />
      <EffacementForm par={par} valeur={valeur} onErreur={setErreur} />
      <Journal />
    </Page>
  );
}
