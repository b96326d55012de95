import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { FilterSelect, ListStates } from '../shared/lists';
import { Badge, Page } from '../shared/page';
import { SlaBadge } from '../shared/SlaBadge';
import {
  affectationDe,
  AFFECTATION_STATUT_LIBELLE,
  AFFECTATION_STATUT_TONE,
  type AffectationStatut,
  type Commande,
  COMMANDE_STATUT_LIBELLE,
  type CommandeStatut,
  formatEcheance,
  joursOuvres,
} from './labels';
import { useCommandesRecues } from './queries';

/** An MdR user sees issued commandes only (never a draft): the filter offers those states. */
const FILTRES: Array<[CommandeStatut, string]> = [
  ['emise', 'En cours'],
  ['close', 'Closes'],
  ['annulee', 'Annulées'],
];

/** Where the Maison's own affectation stands: what is still expected of it first. */
const A_TRAITER: AffectationStatut[] = ['envoyee', 'accusee', 'en_cours', 'clarification_demandee', 'renvoyee'];
const FILTRES_AFFECTATION: Array<[string, string, AffectationStatut[]]> = [
  ['a_traiter', 'À traiter (attendues de la Maison)', A_TRAITER],
  ...(Object.entries(AFFECTATION_STATUT_LIBELLE) as Array<[AffectationStatut, string]>).map(
    ([value, label]): [string, string, AffectationStatut[]] => [value, label.charAt(0).toUpperCase() + label.slice(1), [value]],
  ),
];

function Ligne({ commande, maisonId }: { commande: Commande; maisonId: string | null }) {
  const a = affectationDe(commande, maisonId);
  const titre = commande.titre ?? commande.reference;
  const faits = a ? a.livrables.filter((l) => l.fait).length : 0;
  return (
    <tr>
      <td>
        {a ? <Link to={`/commandes-recues/${a.id}`}>{titre}</Link> : titre}
        <div className="hint nowrap">{commande.reference}</div>
        {commande.urgent && <Badge tone="warning">Urgente</Badge>}
      </td>
      <td>{commande.emetteur.unite.nom}</td>
      <td>{formatEcheance(commande.echeance)}</td>
      <td>
        {a ? <Badge tone={AFFECTATION_STATUT_TONE[a.statut]}>{AFFECTATION_STATUT_LIBELLE[a.statut]}</Badge> : '—'}
        {commande.statut !== 'emise' && <div className="hint">Commande {COMMANDE_STATUT_LIBELLE[commande.statut]}</div>}
      </td>
      <td>
        {a && <SlaBadge clocks={a.sla} />}
        {a?.enRetard && (
          <>
            {' '}
            <Badge tone="danger">En retard de {joursOuvres(a.joursDeRetard)}</Badge>
          </>
        )}
      </td>
      <td>
        {a ? (
          <>
            <span className="nowrap">{a.pourcentage} %</span>
            <progress value={a.pourcentage} max={100} aria-hidden="true" />
            {a.livrables.length > 0 && (
              <div className="hint nowrap">
                {faits} livrable{faits > 1 ? 's' : ''} sur {a.livrables.length}
              </div>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

/** "Commandes reçues": the commandes issued to the caller's Maison, newest first, with where the Maison stands. */
export function CommandesRecuesPage() {
  const session = useSession();
  const [statut, setStatut] = useState<CommandeStatut | ''>('');
  const [filtreAffectation, setFiltreAffectation] = useState('');
  const statutsAffectation = FILTRES_AFFECTATION.find(([value]) => value === filtreAffectation)?.[2] ?? [];
  const list = useCommandesRecues(statut, statutsAffectation);
  const filtre = Boolean(statut || filtreAffectation);
  const maisonId = session?.user.maisonId ?? null;
  return (
    <Page title="Commandes reçues">
      <p>Les commandes du siège adressées à votre Maison : accusez réception, posez vos questions, signalez l’avancement et livrez.</p>
      <div className="filters">
        <FilterSelect id="filtre-affectation" label="Pour votre Maison" all="Toutes" value={filtreAffectation} options={FILTRES_AFFECTATION} onChange={setFiltreAffectation} />
        <FilterSelect id="filtre-commande-statut" label="Commandes" all="Toutes" value={statut} options={FILTRES} onChange={setStatut} />
      </div>
      <ListStates query={list} what="des commandes" empty={filtre ? 'Aucune commande reçue par votre Maison pour ces critères.' : 'Votre Maison n’a reçu aucune commande pour l’instant.'}>
        {(items) => (
          <div className="table-wrap">
            <table>
              <caption>Les commandes reçues par votre Maison, les plus récentes d’abord</caption>
              <thead>
                <tr>
                  <th scope="col">Commande</th>
                  <th scope="col">Émise par</th>
                  <th scope="col">Échéance</th>
                  <th scope="col">État pour votre Maison</th>
                  <th scope="col">Délai</th>
                  <th scope="col">Avancement</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <Ligne key={c.id} commande={c} maisonId={maisonId} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ListStates>
    </Page>
  );
}
