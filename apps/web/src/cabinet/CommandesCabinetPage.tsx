import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Badge, Empty, ErrorMessage, Loading, Page } from '../shared/page';
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
        <div className="field inline">
          <label htmlFor="filtre-statut-commande">Statut</label>
          <select id="filtre-statut-commande" value={statut} onChange={(e) => setStatut(e.target.value as CommandeStatut | '')}>
            <option value="">Tous</option>
            {Object.entries(COMMANDE_STATUT_LIBELLE).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.isPending && <Loading what="des commandes" />}
      {list.isError && <ErrorMessage error={list.error} retry={() => list.refetch()} />}
      {list.data && list.data.items.length === 0 && <Empty>Aucune commande{statut ? ' dans cet état' : ''} pour l’instant.</Empty>}
      {list.data && list.data.items.length > 0 && (
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
              {list.data.items.map((c) => {
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
    </Page>
  );
}
