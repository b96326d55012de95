import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../auth/session';
import { Badge, ErrorMessage, Loading, Page } from '../shared/page';
import { formatDateTime, formatNumber } from '../shared/format';
import { SlaBadge } from '../shared/SlaBadge';
import { AffectationActions, AvancementSection } from './AffectationActions';
import { useClarifications } from '../fil/clarifications';
import { nomsDeCommande } from '../fil/events';
import { MessageForm } from '../fil/MessageForm';
import { Timeline } from '../fil/Timeline';
import {
  type Affectation,
  AFFECTATION_STATUT_LIBELLE,
  AFFECTATION_STATUT_TONE,
  type Commande,
  COMMANDE_STATUT_LIBELLE,
  formatEcheance,
  joursOuvres,
  materielLibelle,
  nomCourtMaison,
} from './labels';
import { useAffectation, useCommande } from './queries';

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 2 });

/** The brief in full: what is asked, for when, with what and whom to call. */
function Brief({ commande }: { commande: Commande }) {
  const materiel = materielLibelle(commande.materiel);
  return (
    <section aria-labelledby="brief-titre" className="card">
      <h2 id="brief-titre">Cahier des charges</h2>
      <dl className="facts">
        <dt>Objectif</dt>
        <dd className="description">{commande.objectif ?? '—'}</dd>
        {commande.contexte && (
          <>
            <dt>Contexte</dt>
            <dd className="description">{commande.contexte}</dd>
          </>
        )}
        <dt>Échéance</dt>
        <dd>
          {formatEcheance(commande.echeance)}
          {commande.urgent && (
            <>
              {' '}
              <Badge tone="warning">Urgente</Badge>
            </>
          )}
        </dd>
        {commande.urgent && commande.justificationUrgence && (
          <>
            <dt>Pourquoi l’urgence</dt>
            <dd>{commande.justificationUrgence}</dd>
          </>
        )}
        <dt>Émise par</dt>
        <dd>
          {commande.emetteur.displayName} ({commande.emetteur.unite.nom}){commande.emiseAt ? `, le ${formatDateTime(commande.emiseAt)}` : ''}
        </dd>
        {commande.theme && (
          <>
            <dt>Thème</dt>
            <dd>{commande.theme.libelle}</dd>
          </>
        )}
        {commande.budget !== null && (
          <>
            <dt>Budget</dt>
            <dd>{euros.format(commande.budget)}</dd>
          </>
        )}
        <dt>Matériel fourni</dt>
        <dd>
          {typeof materiel === 'string' ? (
            materiel
          ) : (
            <ul className="plain-list">
              {materiel.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Contacts</dt>
        <dd>
          {commande.contacts.length === 0 ? (
            'Aucun contact'
          ) : (
            <ul className="plain-list">
              {commande.contacts.map((c, i) => (
                <li key={i}>
                  <strong>{c.nom ?? 'Contact'}</strong>
                  {c.role ? ` — ${c.role}` : ''}
                  {c.email && (
                    <>
                      {' · '}
                      <a href={`mailto:${c.email}`}>{c.email}</a>
                    </>
                  )}
                  {c.telephone && (
                    <>
                      {' · '}
                      <a href={`tel:${c.telephone.replace(/[^+0-9]/g, '')}`}>{c.telephone}</a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Maisons destinataires</dt>
        <dd>{commande.maisons.map((m) => nomCourtMaison(m.nom)).join(', ')}</dd>
      </dl>
    </section>
  );
}

/** Where every targeted Maison stands (everyone involved follows progress). */
function AutresMaisons({ commande, mine }: { commande: Commande; mine: string | null }) {
  return (
    <section aria-labelledby="maisons-titre" className="card">
      <h2 id="maisons-titre">Avancement des Maisons</h2>
      <p className="hint">
        Moyenne : {commande.resume.progressionMoyenne} % · livrables faits : {formatNumber(commande.resume.livrablesFaits)} sur {formatNumber(commande.resume.livrablesTotal)}
      </p>
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">État et avancement de chaque Maison destinataire</caption>
          <thead>
            <tr>
              <th scope="col">Maison</th>
              <th scope="col">État</th>
              <th scope="col">Avancement</th>
            </tr>
          </thead>
          <tbody>
            {commande.affectations.map((a) => (
              <tr key={a.id} className={a.maison.id === mine ? 'row-mine' : undefined}>
                <td>
                  {nomCourtMaison(a.maison.nom)}
                  {a.maison.id === mine && <span className="hint"> (votre Maison)</span>}
                </td>
                <td>
                  <Badge tone={AFFECTATION_STATUT_TONE[a.statut]}>{AFFECTATION_STATUT_LIBELLE[a.statut]}</Badge>
                  {a.enRetard && (
                    <>
                      {' '}
                      <Badge tone="danger">En retard</Badge>
                    </>
                  )}
                </td>
                <td>{a.pourcentage} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The Maison's own situation: send-back motif, pending question, delivery, lateness. */
function Situation({ affectation, commandeId }: { affectation: Affectation; commandeId: string }) {
  const clarifications = useClarifications(commandeId).get(affectation.id) ?? [];
  return (
    <>
      {affectation.statut === 'renvoyee' && affectation.motifRenvoi && (
        <div className="alert alert-warning" role="region" aria-labelledby="renvoi-titre">
          <p id="renvoi-titre">
            <strong>Livraison renvoyée par l’émetteur.</strong> Reprenez le travail puis livrez à nouveau.
          </p>
          <p>
            <strong>Motif :</strong> <span className="motif">{affectation.motifRenvoi}</span>
          </p>
        </div>
      )}
      {affectation.statut === 'annulee' && <div className="alert alert-info"><p>L’émetteur a retiré votre Maison de cette commande : plus rien n’est attendu d’elle.</p></div>}
      {affectation.statut === 'validee' && <div className="alert alert-success"><p>La livraison de votre Maison a été validée{affectation.valideeAt ? ` le ${formatDateTime(affectation.valideeAt)}` : ''}.</p></div>}
      {clarifications.length > 0 && (
        <section aria-labelledby="clarifications-titre" className="card">
          <h2 id="clarifications-titre">Clarifications</h2>
          <ol className="clarifications">
            {clarifications.map((c, i) => (
              <li key={i} className="clarification">
                <p>
                  <strong>Question de la Maison</strong> ({c.demandeePar ?? 'Maison'}, {formatDateTime(c.demandeeAt)}) :
                </p>
                <blockquote className="event-detail">{c.question}</blockquote>
                {c.reponse !== null ? (
                  <>
                    <p>
                      <strong>Réponse de l’émetteur</strong> ({c.apporteePar ?? 'émetteur'}, {formatDateTime(c.apporteeAt)}) :
                    </p>
                    <blockquote className="event-detail reponse-clarification">{c.reponse}</blockquote>
                  </>
                ) : (
                  <p>
                    <Badge tone="warning">En attente de réponse</Badge>
                  </p>
                )}
              </li>
            ))}
          </ol>
        </section>
      )}
      {affectation.livraison && (affectation.statut === 'livree' || affectation.statut === 'validee' || affectation.statut === 'renvoyee') && (
        <section aria-labelledby="livraison-titre" className="card">
          <h2 id="livraison-titre">{affectation.statut === 'renvoyee' ? 'Livraison renvoyée' : 'Livraison'}</h2>
          {affectation.livreeAt && <p className="hint">Livrée le {formatDateTime(affectation.livreeAt)}</p>}
          {affectation.livraison.note && <p className="description">{affectation.livraison.note}</p>}
          {affectation.livraison.liens.length > 0 && (
            <ul className="plain-list">
              {affectation.livraison.liens.map((l) => (
                <li key={l}>
                  <a href={l} rel="noreferrer noopener" target="_blank">
                    {l}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

/** An affectation page: the Maison's share of a commande, from the brief to the delivery. */
export function AffectationPage() {
  const { affectationId = '' } = useParams();
  const maisonId = useSession()?.user.maisonId ?? null;
  const affectation = useAffectation(affectationId);
  const commande = useCommande(affectation.data?.commandeId);
  const noms = useMemo(() => (commande.data ? nomsDeCommande(commande.data) : undefined), [commande.data]);

  if (affectation.isPending || (affectation.isSuccess && commande.isPending)) return <Loading what="de la commande" />;
  if (affectation.isError || commande.isError) {
    const error = affectation.error ?? commande.error;
    return (
      <Page title="Commande introuvable">
        <ErrorMessage error={error} retry={() => (affectation.isError ? affectation.refetch() : commande.refetch())} />
        <p>
          <Link to="/commandes-recues">Retour aux commandes reçues</Link>
        </p>
      </Page>
    );
  }
  const a = affectation.data;
  const c = commande.data!;
  return (
    <Page title={c.titre ?? `Commande ${c.reference}`}>
      <p className="status-line">
        <span className="nowrap">{c.reference}</span> · Commande {COMMANDE_STATUT_LIBELLE[c.statut]} · {a.maison.id === maisonId ? 'Votre Maison' : 'La Maison'} ({nomCourtMaison(a.maison.nom)}) :{' '}
        <Badge tone={AFFECTATION_STATUT_TONE[a.statut]}>{AFFECTATION_STATUT_LIBELLE[a.statut]}</Badge> <SlaBadge clocks={a.sla} />
        {a.enRetard && (
          <>
            {' '}
            <Badge tone="danger">En retard de {joursOuvres(a.joursDeRetard)}</Badge>
          </>
        )}
      </p>
      <p className="echeance-line">
        Échéance : <strong>{formatEcheance(c.echeance)}</strong>
      </p>
      {c.statut === 'annulee' && (
        <div className="alert alert-info">
          <p>
            <strong>Commande annulée par l’émetteur</strong>
            {c.annuleeAt ? ` le ${formatDateTime(c.annuleeAt)}` : ''}.{c.motifAnnulation ? ` Motif : ${c.motifAnnulation}` : ''}
          </p>
        </div>
      )}
      <Situation affectation={a} commandeId={c.id} />
      <div className="question-grid">
        <Brief commande={c} />
        <AffectationActions affectation={a} />
      </div>
      <AvancementSection affectation={a} echeanceCommande={c.echeance} />
      <AutresMaisons commande={c} mine={maisonId} />
      <Timeline kind="commandes" id={c.id} noms={noms} />
      {c.actions.includes('ecrire') && <MessageForm kind="commandes" id={c.id} />}
    </Page>
  );
}
