import { Badge, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime, formatNumber } from '../shared/format';
import { detailsCommande, type FilContexte, phraseCommande } from './labels';
import { MessageForm } from './MessageForm';
import { useCommandeFil, useCommandeFilVerification } from './queries';

/**
 * The shared timeline of a commande (every Maison's events, the issuer's), in plain French,
 * with its integrity check. Internal notes of other units never reach the client (the API hides them).
 */
export function CommandeTimeline({ commandeId, contexte = {}, peutEcrire = false }: { commandeId: string; contexte?: FilContexte; peutEcrire?: boolean }) {
  const fil = useCommandeFil(commandeId);
  const verification = useCommandeFilVerification(commandeId);
  return (
    <section aria-labelledby="fil-commande-titre" className="timeline">
      <h2 id="fil-commande-titre">Fil de la commande</h2>
      <div aria-live="polite">
        {verification.data &&
          (verification.data.valide ? (
            <p className="verification ok">
              <span aria-hidden="true">✓</span> Fil intègre, {formatNumber(verification.data.evenements)} événements vérifiés
            </p>
          ) : (
            <p className="verification ko" role="alert">
              Fil altéré : anomalie à l’événement n° {verification.data.premiereAnomalie}
              {verification.data.anomalie ? ` (${verification.data.anomalie.raison})` : ''}, {formatNumber(verification.data.evenements)} événements examinés
            </p>
          ))}
        {verification.isError && <ErrorMessage error={verification.error} />}
      </div>
      {peutEcrire && <MessageForm commandeId={commandeId} />}
      {fil.isPending && <Loading what="du fil" />}
      {fil.isError && <ErrorMessage error={fil.error} retry={() => fil.refetch()} />}
      {fil.data && fil.data.length === 0 && <p className="empty">Aucun événement pour l’instant.</p>}
      {fil.data && fil.data.length > 0 && (
        <ol className="events">
          {fil.data.map((event) => {
            const sla = event.type.startsWith('sla.');
            return (
              <li key={event.seq} className={`event${sla ? ` event-sla event-${event.type.replace('.', '-')}` : ''}${event.visibilite === 'interne' ? ' event-interne' : ''}`}>
                <p className="event-head">
                  <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                  {event.visibilite === 'interne' && <Badge tone="neutral">Note interne</Badge>}
                  {event.type === 'sla.depassement' && <Badge tone="danger">Dépassé</Badge>}
                  {event.type === 'sla.avertissement' && <Badge tone="warning">À risque</Badge>}
                </p>
                <p className="event-text">{phraseCommande(event, contexte)}</p>
                {detailsCommande(event, contexte).map((detail) => (
                  <blockquote key={detail.label} className="event-detail">
                    <span className="event-detail-label">{detail.label} : </span>
                    {detail.text}
                  </blockquote>
                ))}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
