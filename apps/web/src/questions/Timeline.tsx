import { Badge, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime, formatNumber } from '../shared/format';
import { phraseOf } from './labels';
import { useFil, useVerification } from './queries';

const DETAILS: Array<[string, string]> = [
  ['message', 'Message'],
  ['reponse', 'Réponse'],
  ['motif', 'Motif'],
  ['issue', 'Issue'],
];

/** The shared timeline of a question, in plain French, with its integrity check. */
export function Timeline({ questionId }: { questionId: string }) {
  const fil = useFil(questionId);
  const verification = useVerification(questionId);
  return (
    <section aria-labelledby="fil-titre" className="timeline">
      <h2 id="fil-titre">Fil de la question</h2>
      <div aria-live="polite">
        {verification.data &&
          (verification.data.valide ? (
            <p className="verification ok">
              <span aria-hidden="true">✓</span> Fil intègre, {formatNumber(verification.data.evenements)} événements vérifiés
            </p>
          ) : (
            <p className="verification ko" role="alert">
              Fil altéré : anomalie à l’événement n° {verification.data.premiereAnomalie} ({formatNumber(verification.data.evenements)} événements examinés)
            </p>
          ))}
        {verification.isError && <ErrorMessage error={verification.error} />}
      </div>
      {fil.isPending && <Loading what="du fil" />}
      {fil.isError && <ErrorMessage error={fil.error} retry={() => fil.refetch()} />}
      {fil.data && (
        <ol className="events">
          {fil.data.map((event) => {
            const sla = event.type.startsWith('sla.');
            return (
              <li key={event.seq} className={`event${sla ? ' event-sla' : ''}${event.visibilite === 'interne' ? ' event-interne' : ''}`}>
                <p className="event-head">
                  <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                  {event.visibilite === 'interne' && <Badge tone="neutral">Note interne</Badge>}
                  {event.type === 'sla.depassement' && <Badge tone="danger">Dépassé</Badge>}
                  {event.type === 'sla.avertissement' && <Badge tone="warning">À risque</Badge>}
                </p>
                <p className="event-text">{phraseOf(event.type, event.acteur?.displayName ?? null)}</p>
                {DETAILS.filter(([key]) => typeof event.data[key] === 'string' && event.data[key]).map(([key, label]) => (
                  <blockquote key={key} className="event-detail">
                    <span className="visually-hidden">{label} : </span>
                    {String(event.data[key])}
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
