import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { FilterSelect, ListStates } from '../shared/lists';
import { Badge, Page } from '../shared/page';
import { COMMANDE_STATUT_LIBELLE, COMMANDE_STATUT_TONE, type CommandeStatut, formatDate } from './labels';
import { commandeKeys } from './queries';

/** "Commandes" of the issuing unit: drafts and issued ones, newest first, with where each stands. */
export function CommandesCabinetPage() {
  const [statut, setStatut] = useState<CommandeStatut | ''>('');
  const list = useQuery({
    queryKey: commandeKeys.liste(statut),
    queryFn: () => unwrap(api.GET('/api/v1/commandes', { params: { query: { limit: 50, ...(statut ? { statut: [statut] } : {}) } } })),
  });
  return (
    <Page title="Commandes">
      <p>
        <Link to="/cabinet/commandes/nouvelle" className="button">
          Nouvelle commande
        </Link>
      </p>
      <div className="filters">
        <FilterSelect
          id="filtre-statut-commande"
          label="Statut"
          all="Tous"
          value={statut}
          options={Object.entries(COMMANDE_STATUT_LIBELLE) as Array<[CommandeStatut, string]>}
          onChange={setStatut}
        />
      </div>
      <ListStates query={list} what="des commandes" empty={`Aucune commande${statut ? ' dans cet état' : ''} pour l’instant.`}>
        {(items) => (
          <div className="table-wrap">
            <table>
              <caption>Les commandes de votre unité, les plus récentes d’abord</caption>
              <thead>
                <tr>
                  <th scope="col">Référence</th>
                  <th scope="col">Titre</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Échéance</th>
                  <th scope="col">Maisons</th>
                  <th scope="col">Avancement</th>
                  <th scope="col">Retard</th>
                  <th scope="col">À traiter</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => {
                  const p = c.resume.parStatut as Record<string, number>;
                  const aTraiter = [
                    p.clarification_demandee > 0 && `${p.clarification_demandee} question${p.clarification_demandee > 1 ? 's' : ''}`,
                    p.livree > 0 && `${p.livree} livraison${p.livree > 1 ? 's' : ''} à valider`,
                  ].filter(Boolean);
                  return (
                    <tr key={c.id}>
                      <td className="nowrap">
                        <Link to={c.statut === 'brouillon' ? `/cabinet/commandes/${c.id}/modifier` : `/cabinet/commandes/${c.id}`}>{c.reference}</Link>
                      </td>
                      <td>{c.titre ?? <em>Sans titre</em>}</td>
                      <td>
                        <Badge tone={COMMANDE_STATUT_TONE[c.statut]}>{COMMANDE_STATUT_LIBELLE[c.statut]}</Badge>
                      </td>
                      <td className="nowrap">{formatDate(c.echeance)}</td>
                      <td>{c.maisons.length}</td>
                      <td>{c.statut === 'brouillon' ? '—' : `${c.resume.progressionMoyenne} %`}</td>
                      <td>{c.resume.enRetard > 0 ? <Badge tone="danger">{c.resume.enRetard} en retard</Badge> : '—'}</td>
                      <td>{aTraiter.length ? aTraiter.join(', ') : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ListStates>
    </Page>
  );
}
