import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { asProblem } from '../api/problem';
import { ProblemAlert } from '../shared/TextActionForm';
import { useSession } from '../auth/session';
import { formatDateTime, formatHeures } from '../shared/format';
import { Empty, ErrorMessage, FieldError, Loading, Page } from '../shared/page';
import { formatHoraires, type Hours } from './horaires';
import { useCalendrierMaison, useDispositifs, useHistorique, useMaisons, useOrphelins, useReferents, useThemes } from './queries';

/**
 * The Annuaire, for every role: who to call for a dispositif (its direction, and who actually
 * answered lately), the Maisons with their opening hours, responsables and spécialisations,
 * the correspondent Maisons of each thème, the référents by direction and thème.
 */
export function AnnuairePage() {
  return (
    <Page title="Annuaire">
      <Orphelins />
      <QuiAppeler />
      <Maisons />
      <Correspondants />
      <Referents />
    </Page>
  );
}

/** The network's steering (its manager) and admins set who follows what (PUT /maisons/{id}/specialisations). */
function usePilotage(): boolean {
  const user = useSession()?.user;
  return user?.role === 'admin' || (user?.role === 'manager' && user.perimetre === 'reseau');
}

function QuiAppeler() {
  const [q, setQ] = useState('');
  const [choisi, setChoisi] = useState<string | null>(null);
  const dispositifs = useDispositifs(q);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQ(String(new FormData(event.currentTarget).get('q') ?? '').trim());
    setChoisi(null);
  };
  return (
    <section aria-labelledby="qui-appeler" className="card">
      <h2 id="qui-appeler">Qui appeler pour un dispositif ?</h2>
      <form role="search" onSubmit={submit} aria-label="Chercher un dispositif">
        <label htmlFor="annuaire-q">Dispositif (nom ou mots-clés)</label>
        <input id="annuaire-q" name="q" type="search" defaultValue={q} />
        <button type="submit" className="button">
          Chercher
        </button>
      </form>
      {dispositifs.isFetching && <Loading what="des dispositifs" />}
      {dispositifs.isError && <ErrorMessage error={dispositifs.error} />}
      {dispositifs.data && dispositifs.data.items.length === 0 && <Empty>Aucun dispositif ne correspond à « {q} ».</Empty>}
      {dispositifs.data && dispositifs.data.items.length > 0 && (
        <ul className="plain">
          {dispositifs.data.items.map((d) => (
            <li key={d.id}>
              <button type="button" className="link" aria-pressed={choisi === d.id} onClick={() => setChoisi(d.id)}>
                {d.nom}
              </button>{' '}
              — {d.direction.nom}
              {d.historique ? ' (dispositif clos)' : ''}
            </li>
          ))}
        </ul>
      )}
      {choisi && <FicheDispositif dispositif={dispositifs.data!.items.find((d) => d.id === choisi)!} />}
    </section>
  );
}

function FicheDispositif({ dispositif }: { dispositif: Schemas['DispositifDto'] }) {
  const historique = useHistorique(dispositif.id);
  return (
    <article aria-labelledby="fiche-dispositif">
      <h3 id="fiche-dispositif">{dispositif.nom}</h3>
      <p>
        Porté par : <strong>{dispositif.direction.nom}</strong>
        {dispositif.theme ? ` — thème ${dispositif.theme.libelle}` : ''}
      </p>
      <h4>Référents désignés par l’annuaire</h4>
      {dispositif.referents.length === 0 ? (
        <Empty>Aucun référent désigné.</Empty>
      ) : (
        <ul className="plain">
          {dispositif.referents.map((r) => (
            <li key={r.id}>
              {r.displayName} — <a href={`mailto:${r.email}`}>{r.email}</a>
              {r.telephone ? ` — ${r.telephone}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h4>Maisons correspondantes du thème</h4>
      {dispositif.correspondants.length === 0 ? (
        <Empty>Aucune Maison ne suit ce thème pour le réseau.</Empty>
      ) : (
        <ul className="plain">
          {dispositif.correspondants.map((m) => (
            <li key={m.id}>{m.nom}</li>
          ))}
        </ul>
      )}
      {historique.isPending && <Loading what="de l’historique" />}
      {historique.isError && <ErrorMessage error={historique.error} />}
      {historique.data &&
        (historique.data.referents.length === 0 ? (
          <Empty>Personne n’a répondu sur ce dispositif depuis {historique.data.mois} mois.</Empty>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Qui a répondu">
            <table>
              <caption>Qui a répondu sur ce dispositif ces {historique.data.mois} derniers mois</caption>
              <thead>
                <tr>
                  <th scope="col">Personne</th>
                  <th scope="col">Direction</th>
                  <th scope="col">Réponses</th>
                  <th scope="col">Délai médian (heures calendaires)</th>
                  <th scope="col">Dernière réponse</th>
                  <th scope="col">Contact</th>
                </tr>
              </thead>
              <tbody>
                {historique.data.referents.map((r) => (
                  <tr key={r.userId}>
                    <th scope="row">
                      {r.displayName}
                      {r.actif ? '' : ' (n’est plus référent actif de la direction)'}
                    </th>
                    <td>{r.direction?.nom ?? '—'}</td>
                    <td>{r.reponses}</td>
                    <td>{formatHeures(r.delaiMedianHeures)}</td>
                    <td>{formatDateTime(r.derniereReponse)}</td>
                    <td>{r.email ? <a href={`mailto:${r.email}`}>{r.email}</a> : '—'}{r.telephone ? ` — ${r.telephone}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </article>
  );
}

function Maisons() {
  const maisons = useMaisons();
  return (
    <section aria-labelledby="annuaire-maisons" className="card">
      <h2 id="annuaire-maisons">Les Maisons de la Région</h2>
      {maisons.isPending && <Loading what="des Maisons" />}
      {maisons.isError && <ErrorMessage error={maisons.error} />}
      {maisons.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Maisons de la Région">
          <table>
            <caption>Maisons et bureaux territoriaux : adresse, horaires, responsable, spécialisations</caption>
            <thead>
              <tr>
                <th scope="col">Maison</th>
                <th scope="col">Adresse</th>
                <th scope="col">Horaires d’ouverture</th>
                <th scope="col">Responsable</th>
                <th scope="col">Spécialisations</th>
              </tr>
            </thead>
            <tbody>
              {maisons.data.items.map((m) => (
                <tr key={m.id}>
                  <th scope="row">{m.nom}</th>
                  <td>{m.adresse ?? '—'}</td>
                  <td>
                    <HorairesMaison maisonId={m.id} />
                  </td>
                  <td>
                    {m.responsables.length === 0
                      ? '—'
                      : m.responsables.map((r) => (
                          <span key={r.id} className="block">
                            {r.displayName} — <a href={`mailto:${r.email}`}>{r.email}</a>
                            {r.telephone ? ` — ${r.telephone}` : ''}
                          </span>
                        ))}
                  </td>
                  <td>{m.specialisations.map((t) => t.libelle).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {maisons.data && <SpecialisationsForm maisons={maisons.data.items} />}
    </section>
  );
}

/** Per thème, the Maisons that follow it for the whole network: whom to call in the network. */
function Correspondants() {
  const themes = useThemes();
  return (
    <section aria-labelledby="annuaire-correspondants" className="card">
      <h2 id="annuaire-correspondants">Les Maisons correspondantes par thème</h2>
      <p className="hint">Une Maison correspondante suit les questions de son thème dans tout le réseau et sert de relais à la direction qui le porte.</p>
      {themes.isPending && <Loading what="des thèmes" />}
      {themes.isError && <ErrorMessage error={themes.error} />}
      {themes.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Maisons correspondantes par thème">
          <table>
            <caption>Thèmes, direction qui les porte et Maisons correspondantes</caption>
            <thead>
              <tr>
                <th scope="col">Thème</th>
                <th scope="col">Direction</th>
                <th scope="col">Maisons correspondantes</th>
              </tr>
            </thead>
            <tbody>
              {themes.data.items.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.libelle}</th>
                  <td>{t.direction?.nom ?? '—'}</td>
                  <td>{t.correspondants.map((m) => m.nom).join(', ') || 'Aucune'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** For the network manager and admins: the thèmes a Maison follows, the whole set saved at once. */
export function SpecialisationsForm({ maisons }: { maisons: Schemas['MaisonDto'][] }) {
  const pilotage = usePilotage();
  const themes = useThemes();
  const queryClient = useQueryClient();
  const [maisonId, setMaisonId] = useState('');
  const [enregistre, setEnregistre] = useState<string | null>(null);
  const maison = maisons.find((m) => m.id === maisonId);
  const mutation = useMutation({
    mutationFn: (themeIds: string[]) => unwrap(api.PUT('/api/v1/maisons/{id}/specialisations', { params: { path: { id: maisonId } }, body: { themeIds } })),
    onSuccess: (m) => {
      setEnregistre(m.nom);
      void queryClient.invalidateQueries({ queryKey: ['annuaire'] });
    },
  });
  if (!pilotage) return null;
  const problem = asProblem(mutation.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setEnregistre(null);
    mutation.mutate(new FormData(event.currentTarget).getAll('themeIds').map(String));
  };
  return (
    <form onSubmit={submit} aria-label="Spécialisations d’une Maison" className="specialisations-form">
      <h3>Modifier les spécialisations d’une Maison</h3>
      <div className="field">
        <label htmlFor="specialisations-maison">Maison</label>
        <select id="specialisations-maison" value={maisonId} onChange={(e) => (setMaisonId(e.target.value), setEnregistre(null), mutation.reset())}>
          <option value="">Choisir une Maison</option>
          {maisons.map((m) => (
            <option key={m.id} value={m.id}>
              {m.nom}
            </option>
          ))}
        </select>
      </div>
      {maison && themes.data && (
        // Keyed by the Maison: its own boxes checked afresh when another one is chosen.
        <fieldset key={maison.id} className="field" aria-describedby={problem?.field('themeIds') ? 'specialisations-erreur' : undefined}>
          <legend>Thèmes suivis pour le réseau</legend>
          {themes.data.items.map((t) => (
            <label key={t.id} className="block">
              <input type="checkbox" name="themeIds" value={t.id} defaultChecked={maison.specialisations.some((s) => s.id === t.id)} /> {t.libelle}
            </label>
          ))}
          <FieldError id="specialisations-erreur" message={problem?.field('themeIds')} />
        </fieldset>
      )}
      <ProblemAlert problem={problem} shownByField={Boolean(problem?.field('themeIds'))} />
      {maison && (
        <div className="buttons">
          <button type="submit" className="button" disabled={mutation.isPending}>
            Enregistrer les spécialisations
          </button>
        </div>
      )}
      {enregistre && (
        <p role="status" className="alert alert-success">
          Spécialisations de « {enregistre} » enregistrées.
        </p>
      )}
    </form>
  );
}

/** From the Maison's SLA calendar: the hours the clocks count are the hours it is open. */
function HorairesMaison({ maisonId }: { maisonId: string }) {
  const calendrier = useCalendrierMaison(maisonId);
  if (calendrier.isPending) return <>…</>;
  if (calendrier.isError) return <>Horaires indisponibles</>;
  return <>{formatHoraires(calendrier.data.spec.hours as unknown as Hours)}</>;
}

function Referents() {
  const referents = useReferents();
  const parDirection = new Map<string, { nom: string; items: Schemas['ReferentDto'][] }>();
  for (const r of referents.data?.items ?? []) {
    const group = parDirection.get(r.direction.id) ?? { nom: r.direction.nom, items: [] };
    group.items.push(r);
    parDirection.set(r.direction.id, group);
  }
  return (
    <section aria-labelledby="annuaire-referents" className="card">
      <h2 id="annuaire-referents">Les référents par direction et thème</h2>
      {referents.isPending && <Loading what="des référents" />}
      {referents.isError && <ErrorMessage error={referents.error} />}
      {[...parDirection.entries()].map(([id, group]) => (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={group.nom} key={id}>
          <table>
            <caption>{group.nom}</caption>
            <thead>
              <tr>
                <th scope="col">Référent</th>
                <th scope="col">Thèmes</th>
                <th scope="col">Dispositifs</th>
                <th scope="col">Contact</th>
              </tr>
            </thead>
            <tbody>
              {group.items.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    {r.displayName}
                    {r.fonction ? `, ${r.fonction}` : ''}
                  </th>
                  <td>{r.themes.map((t) => t.libelle).join(', ') || '—'}</td>
                  <td>{r.dispositifs.map((d) => d.nom).join(', ') || '—'}</td>
                  <td>
                    <a href={`mailto:${r.email}`}>{r.email}</a>
                    {r.telephone ? ` — ${r.telephone}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

/** For the network manager and admins: the dispositifs nobody answers for any more. */
function Orphelins() {
  const pilotage = usePilotage();
  const orphelins = useOrphelins(pilotage);
  if (!pilotage) return null;
  return (
    <section aria-labelledby="annuaire-orphelins" className="card">
      <h2 id="annuaire-orphelins">Dispositifs orphelins</h2>
      <p className="hint">Dispositifs en cours dont la direction n’a plus de référent actif et n’a répondu à aucune question depuis plusieurs semaines.</p>
      {orphelins.isPending && <Loading what="des dispositifs orphelins" />}
      {orphelins.isError && <ErrorMessage error={orphelins.error} />}
      {orphelins.data && orphelins.data.items.length === 0 && <Empty>Aucun dispositif orphelin.</Empty>}
      {orphelins.data && orphelins.data.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Dispositifs orphelins">
          <table>
            <caption>Dispositifs orphelins ({orphelins.data.items.length})</caption>
            <thead>
              <tr>
                <th scope="col">Dispositif</th>
                <th scope="col">Direction</th>
                <th scope="col">Dernière réponse de la direction</th>
              </tr>
            </thead>
            <tbody>
              {orphelins.data.items.map((d) => (
                <tr key={d.id}>
                  <th scope="row">{d.nom}</th>
                  <td>{d.direction.nom}</td>
                  <td>{d.derniereReponseDirection ? formatDateTime(d.derniereReponseDirection) : 'Jamais'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
