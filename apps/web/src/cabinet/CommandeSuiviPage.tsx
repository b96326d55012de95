import { Link, useParams } from 'react-router';
import { QueryGate } from '../shared/lists';
import { Badge, Page } from '../shared/page';
import { formatDateTime } from '../shared/format';
import { useMemo } from 'react';
import { useClarifications } from '../fil/clarifications';
import { nomsDeCommande } from '../fil/events';
import { MessageForm } from '../fil/MessageForm';
import { Timeline } from '../fil/Timeline';
import { AffectationPanel } from './AffectationPanel';
import { AnnulerCommande } from './CommandeActions';
import { COMMANDE_STATUT_LIBELLE, COMMANDE_STATUT_TONE, type Commande, formatDate } from './labels';
import { useCommande } from './queries';
import { RollupMatrix } from './RollupMatrix';

function Brief({ c }: { c: Commande }) {
  return (
    <details className="card cab-brief">
      <summary>Cahier des charges</summary>
      <dl className="facts">
        <dt>Objectif</dt>
        <dd>{c.objectif ?? '—'}</dd>
        <dt>Contexte</dt>
        <dd>{c.contexte ?? '—'}</dd>
        <dt>Livrables</dt>
        <dd>
          <ul>
            {c.livrables.map((l) => (
              <li key={l.id}>
                {l.libelle}
                {l.echeance && ` (pour le ${formatDate(l.echeance)})`}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Matériel</dt>
        <dd>{c.materiel === 'aucun' ? 'Aucun matériel fourni' : Array.isArray(c.materiel) ? c.materiel.join(' ; ') : '—'}</dd>
        <dt>Contacts</dt>
        <dd>
          <ul>
            {c.contacts.map((x, i) => (
              <li key={i}>
                {[x.nom, x.role, x.email, x.telephone].filter(Boolean).join(' — ')}
              </li>
            ))}
          </ul>
        </dd>
        {c.theme && (
          <>
            <dt>Thème</dt>
            <dd>{c.theme.libelle}</dd>
          </>
        )}
        {c.budget !== null && (
          <>
            <dt>Budget</dt>
            <dd>{new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(c.budget)}</dd>
          </>
        )}
        {c.urgent && (
          <>
            <dt>Urgence</dt>
            <dd>{c.justificationUrgence ?? 'Commande urgente'}</dd>
          </>
        )}
      </dl>
    </details>
  );
}

/** The Cabinet's follow-up of an issued commande: the matrix Maison × state, each Maison's share, the fil. */
export function CommandeSuiviPage() {
  const { id = '' } = useParams();
  const commande = useCommande(id);
  const clarifications = useClarifications(id);
  const noms = useMemo(() => (commande.data ? nomsDeCommande(commande.data) : undefined), [commande.data]);
  if (commande.isPending || commande.isError) return <QueryGate query={commande} title="Commande" what="de la commande" />;
  const c = commande.data;
  const r = c.resume;
  const attente = c.affectations.filter((a) => a.statut === 'clarification_demandee').length;
  const aValider = c.affectations.filter((a) => a.statut === 'livree').length;
  return (
    <Page title={`Commande ${c.reference}`}>
      <p className="commande-status">
        <Badge tone={COMMANDE_STATUT_TONE[c.statut]}>{COMMANDE_STATUT_LIBELLE[c.statut]}</Badge>
        <span>{c.titre ?? 'Sans titre'}</span>
        <span>Échéance : {formatDate(c.echeance)}</span>
        {c.urgent && <Badge tone="warning">urgente</Badge>}
      </p>
      {c.statut === 'brouillon' && (
        <p>
          Ce brouillon n’est pas encore émis. <Link to={`/cabinet/commandes/${c.id}/modifier`}>Modifier le brouillon</Link>
        </p>
      )}
      {c.statut !== 'brouillon' && (
        <>
          <dl className="facts card">
            <dt>Émise le</dt>
            <dd>{formatDateTime(c.emiseAt)}</dd>
            {c.closeAt && (
              <>
                <dt>Close le</dt>
                <dd>{formatDateTime(c.closeAt)}</dd>
              </>
            )}
            {c.annuleeAt && (
              <>
                <dt>Annulée le</dt>
                <dd>
                  {formatDateTime(c.annuleeAt)}
                  {c.motifAnnulation && ` : ${c.motifAnnulation}`}
                </dd>
              </>
            )}
            <dt>Avancement moyen</dt>
            <dd>{r.progressionMoyenne} %</dd>
            <dt>Livrables faits</dt>
            <dd>
              {r.livrablesFaits} sur {r.livrablesTotal}
            </dd>
            <dt>En retard</dt>
            <dd>{r.enRetard === 0 ? 'aucune Maison' : `${r.enRetard} Maison${r.enRetard > 1 ? 's' : ''}`}</dd>
            <dt>À traiter</dt>
            <dd aria-live="polite">
              {attente === 0 && aValider === 0
                ? 'rien pour l’instant'
                : [attente > 0 && `${attente} question${attente > 1 ? 's' : ''} en attente de réponse`, aValider > 0 && `${aValider} livraison${aValider > 1 ? 's' : ''} à valider`]
                    .filter(Boolean)
                    .join(', ')}
            </dd>
          </dl>
          <h2>Suivi par Maison</h2>
          <RollupMatrix affectations={c.affectations} resume={r} />
          <div className="cab-affectations">
            {c.affectations.map((a) => (
              <AffectationPanel key={a.id} affectation={a} question={clarifications.get(a.id)?.at(-1) ?? null} />
            ))}
          </div>
        </>
      )}
      <Brief c={c} />
      {c.actions.includes('annuler') && c.statut !== 'brouillon' && (
        <section aria-labelledby="commande-actions-titre" className="card actions">
          <h2 id="commande-actions-titre">Annuler la commande</h2>
          <p className="hint">Les affectations encore ouvertes sont annulées ; les Maisons lisent le motif.</p>
          <AnnulerCommande commande={c} label="Annuler la commande" />
        </section>
      )}
      <Timeline kind="commandes" id={c.id} noms={noms} />
      {c.actions.includes('ecrire') && <MessageForm kind="commandes" id={c.id} />}
    </Page>
  );
}
