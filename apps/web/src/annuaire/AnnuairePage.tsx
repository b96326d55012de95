import { useState, type FormEvent } from 'react';
import type { Schemas } from '../api/client';
import { useSession } from '../auth/session';
import { formatDateTime, formatHeures } from '../shared/format';
import { Empty, ErrorMessage, Loading, Page } from '../shared/page';
import { formatHoraires, type Hours } from './horaires';
import { useCalendrierMaison, useDispositifs, useHistorique, useMaisons, useOrphelins, useReferents } from './queries';

/**
 * The Annuaire, for every role: who to call for a dispositif (its direction, and who actually
 * answered lately), the Maisons with their opening hours and responsables, the référents by
 * direction and thème.
 */
export function AnnuairePage() {
  return (
    <Page title="Annuaire">
      <Orphelins />
      <QuiAppeler />
      <Maisons />
      <Referents />
    </Page>
  );
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
    </section>
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
  const user = useSession()?.user;
  const pilotage = user?.role === 'admin' || (user?.role === 'manager' && user.perimetre === 'reseau');
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
