import { Badge, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime, formatNumber } from '../shared/format';
import { AFFECTATION_STATUT_LIBELLE, type AffectationStatut, type Commande } from './labels';
import { useCommandeFil, useCommandeFilVerification } from './queries';

type Data = Record<string, unknown>;

/** One commande event in plain French; `maison` names the Maison an assignment event is about. */
export function phraseCommande(type: string, acteur: string | null, data: Data, maison: (id: unknown) => string): string {
  const qui = acteur ?? 'Relais';
  const m = maison(data.maisonId);
  switch (type) {
    case 'commande.redigee':
      return `${qui} a rédigé la commande`;
    case 'commande.brief_modifie':
      return `${qui} a modifié le cahier des charges`;
    case 'commande.emise': {
      const n = Array.isArray(data.affectations) ? data.affectations.length : 0;
      return `${qui} a émis la commande vers ${n} Maison${n > 1 ? 's' : ''}`;
    }
    case 'commande.annulee':
      return `${qui} a annulé la commande`;
    case 'commande.close':
      return 'La commande est close : toutes les Maisons ont terminé';
    case 'commande.message':
      return `${qui} a écrit un message`;
    case 'affectation.accusee':
      return `${qui} a accusé réception pour ${m}`;
    case 'affectation.clarification_demandee':
      return `${qui} a demandé une clarification pour ${m}`;
    case 'affectation.clarification_apportee':
      return `${qui} a répondu à la demande de clarification de ${m}`;
    case 'affectation.avancement_signale':
      return `${qui} a signalé l’avancement de ${m} : ${typeof data.pourcentage === 'number' ? `${data.pourcentage} %` : '—'}`;
    case 'affectation.livree':
      return `${qui} a livré le travail de ${m}`;
    case 'affectation.validee':
      return `${qui} a validé la livraison de ${m}`;
    case 'affectation.renvoyee':
      return `${qui} a renvoyé la livraison de ${m}`;
    case 'affectation.annulee':
      return `${qui} a retiré ${m} de la commande`;
    case 'sla.avertissement':
      return 'Délai à risque : le seuil d’alerte est atteint';
    case 'sla.depassement':
      return 'Délai dépassé : l’échéance est passée';
    default:
      return `Événement « ${type} »${acteur ? ` (${acteur})` : ''}`;
  }
}

const DETAILS: Array<[string, string]> = [
  ['question', 'Question'],
  ['reponse', 'Réponse'],
  ['note', 'Note'],
  ['motif', 'Motif'],
  ['texte', 'Message'],
];

/** The commande's shared timeline (read-only), with its integrity check. */
export function CommandeTimeline({ commande }: { commande: Commande }) {
  const fil = useCommandeFil(commande.id);
  const verification = useCommandeFilVerification(commande.id);
  const noms = new Map(commande.maisons.map((m) => [m.id, m.nom ?? 'une Maison']));
  const maison = (id: unknown) => (typeof id === 'string' && noms.get(id)) || 'une Maison';
  return (
    <section aria-labelledby="fil-titre" className="timeline">
      <h2 id="fil-titre">Fil de la commande</h2>
      <div aria-live="polite">
        {verification.data &&
          (verification.data.valide ? (
            <p className="verification ok">
              <span aria-hidden="true">✓</span> Fil intègre, {formatNumber(verification.data.evenements)} événements vérifiés
            </p>
          ) : (
            <p className="verification ko" role="alert">
              Fil altéré : anomalie à l’événement n° {verification.data.premiereAnomalie}
            </p>
          ))}
        {verification.isError && <ErrorMessage error={verification.error} />}
      </div>
      {fil.isPending && <Loading what="du fil" />}
      {fil.isError && <ErrorMessage error={fil.error} retry={() => fil.refetch()} />}
      {fil.data && (
        <ol className="events">
          {fil.data.map((event) => (
            <li key={event.seq} className={`event${event.type.startsWith('sla.') ? ' event-sla' : ''}${event.visibilite === 'interne' ? ' event-interne' : ''}`}>
              <p className="event-head">
                <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                {event.visibilite === 'interne' && <Badge tone="neutral">Note interne</Badge>}
                {event.type === 'affectation.clarification_apportee' && typeof event.data.retourA === 'string' && (
                  <span>retour à l’état « {AFFECTATION_STATUT_LIBELLE[event.data.retourA as AffectationStatut] ?? event.data.retourA} »</span>
                )}
              </p>
              <p className="event-text">{phraseCommande(event.type, event.acteur?.displayName ?? null, event.data, maison)}</p>
              {DETAILS.filter(([key]) => typeof event.data[key] === 'string' && event.data[key]).map(([key, label]) => (
                <blockquote key={key} className="event-detail">
                  <span className="visually-hidden">{label} : </span>
                  {String(event.data[key])}
                </blockquote>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
