import { useQuery } from '@tanstack/react-query';
import { Fragment, useId, useMemo, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { Badge, ErrorMessage, Loading } from '../shared/page';
import { formatDateTime, formatNumber } from '../shared/format';
import { type TicketKind, useFil, useVerification } from './queries';
import { describeEvent, estLienWeb, type EventDetail, type FilEvent, type FilVerification, fusionnerNoms, type Noms, nomsDuFil, plural, suspensionPhrase, suspensionsOf } from './events';

export type { FilEvent, FilVerification, Noms } from './events';

/** The fil's integrity, in words: "Fil intègre, 17 événements vérifiés" or where it breaks. */
export function VerificationLine({ verification }: { verification: FilVerification }) {
  const n = verification.evenements;
  if (verification.valide) {
    return (
      <p className="verification ok">
        <span aria-hidden="true">✓ </span>
        Fil intègre, {formatNumber(n)} {plural(n, 'événement vérifié', 'événements vérifiés')}
      </p>
    );
  }
  const seq = verification.anomalie?.seq ?? verification.premiereAnomalie;
  return (
    <p className="verification ko" role="alert">
      <span aria-hidden="true">⚠ </span>
      Fil altéré : anomalie à l’événement n° {seq ?? '?'}
      {verification.anomalie?.raison ? ` (${verification.anomalie.raison})` : ''}, {formatNumber(n)} {plural(n, 'événement examiné', 'événements examinés')}
    </p>
  );
}

/** The words an event carries; a delivery's links as links (web addresses only). */
function Detail({ detail }: { detail: EventDetail }) {
  if (detail.liens) {
    return (
      <div className="event-detail event-liens">
        <span className="visually-hidden">{detail.label} : </span>
        <ul className="plain-list">
          {detail.liens.map((lien) => (
            <li key={lien}>
              {estLienWeb(lien) ? (
                <a href={lien} rel="noreferrer noopener" target="_blank">
                  {lien}
                </a>
              ) : (
                lien
              )}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <blockquote className="event-detail">
      <span className="visually-hidden">{detail.label} : </span>
      {detail.text}
    </blockquote>
  );
}

const AUCUN_NOM: Noms = {};

export interface TimelineViewProps {
  /** The events as GET …/fil lists them (seq order). */
  events: readonly FilEvent[];
  /** GET …/fil/verification; omitted while it loads. */
  verification?: FilVerification | null;
  /** Shown where the verification line goes when it could not be read (error, loading). */
  verificationSlot?: ReactNode;
  titre?: string;
  noms?: Noms;
}

/**
 * A ticket's shared timeline (question or commande), from data: who did what when in plain
 * French, SLA warnings and breaches in line, paused periods, internal notes marked, and the
 * integrity check. `Timeline` fetches the data; this renders it (a commande page may pass its own).
 */
export function TimelineView({ events, verification, verificationSlot, titre = 'Fil', noms = AUCUN_NOM }: TimelineViewProps) {
  const titleId = useId();
  const suspensions = useMemo(() => suspensionsOf(events), [events]);
  // The fil's own names (an issued commande lists its affectations and deliverables), the screen's winning.
  const tousNoms = useMemo(() => fusionnerNoms(nomsDuFil(events), noms), [events, noms]);
  const pauseApres = new Map(suspensions.map((s) => [s.debutSeq, s]));
  const reprises = new Set(suspensions.flatMap((s) => (s.finSeq === null ? [] : [s.finSeq])));
  const masques = verification ? verification.evenements - events.length : 0;
  return (
    <section aria-labelledby={titleId} className="timeline">
      <h2 id={titleId}>{titre}</h2>
      <div aria-live="polite">
        {verification && <VerificationLine verification={verification} />}
        {!verification && verificationSlot}
      </div>
      {masques > 0 && (
        <p className="hint">
          {formatNumber(masques)} {plural(masques, 'événement ne vous est pas montré', 'événements ne vous sont pas montrés')} (notes internes d’une autre unité) : la
          vérification porte sur le fil entier.
        </p>
      )}
      {events.length === 0 ? (
        <p className="empty">Aucun événement pour l’instant.</p>
      ) : (
        <ol className="events">
          {events.map((event) => {
            const d = describeEvent(event, tousNoms);
            const pause = pauseApres.get(event.seq);
            const classes = ['event', d.sla ? `event-sla event-sla-${d.sla}` : '', d.interne ? 'event-interne' : ''].filter(Boolean).join(' ');
            return (
              <Fragment key={event.seq}>
                <li className={classes}>
                  <p className="event-head">
                    <time dateTime={event.at}>{formatDateTime(event.at)}</time>
                    {d.interne && <Badge tone="neutral">Note interne</Badge>}
                    {d.sla === 'depassement' && <Badge tone="danger">Délai dépassé</Badge>}
                    {d.sla === 'avertissement' && <Badge tone="warning">Délai à risque</Badge>}
                  </p>
                  <p className="event-text">{d.phrase}</p>
                  {d.details.map((detail, i) => (
                    <Detail key={`${i}-${detail.label}`} detail={detail} />
                  ))}
                  {d.interne && <p className="event-note">Visible de votre unité seulement.</p>}
                  {reprises.has(event.seq) && <p className="event-note">Le délai reprend.</p>}
                </li>
                {pause && (
                  <li className={`event event-pause${pause.fin ? '' : ' event-pause-en-cours'}`}>
                    <p className="event-text">
                      {suspensionPhrase(pause)}.
                    </p>
                  </li>
                )}
              </Fragment>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/**
 * Names of what the events name by id: the screen's own (a commande page knows its Maisons and
 * deliverables), then the directory's directions and Maisons, fetched only when an event names
 * one the screen does not know. (TimelineView adds the names the fil itself carries.)
 */
function useNoms(events: readonly FilEvent[] | undefined, base: Noms): Noms {
  const inconnu = (key: 'directionId' | 'maisonId', map: ReadonlyMap<string, string> | undefined) =>
    (events ?? []).some((e) => typeof e.data?.[key] === 'string' && !map?.has(e.data[key] as string));
  const directions = useQuery({
    queryKey: ['annuaire', 'directions'],
    queryFn: () => unwrap(api.GET('/api/v1/directions', { params: { query: { limit: 200 } } })),
    enabled: inconnu('directionId', base.directions),
    staleTime: 10 * 60_000,
  });
  const maisons = useQuery({
    queryKey: ['annuaire', 'maisons'],
    queryFn: () => unwrap(api.GET('/api/v1/maisons', { params: { query: { limit: 200 } } })),
    enabled: inconnu('maisonId', base.maisons) && (events ?? []).some((e) => e.type.startsWith('affectation.')),
    staleTime: 10 * 60_000,
  });
  return useMemo(
    () =>
      fusionnerNoms(
        {
          directions: new Map((directions.data?.items ?? []).map((d) => [d.id, d.nom])),
          maisons: new Map((maisons.data?.items ?? []).map((m) => [m.id, m.nom])),
        },
        base,
      ),
    [directions.data, maisons.data, base],
  );
}

export interface TimelineProps {
  /** Which ticket: `questions` or `commandes` (their …/fil and …/fil/verification routes). */
  kind?: TicketKind;
  id: string;
  titre?: string;
  /** Names the screen already knows (a commande's Maisons, affectations and deliverables). */
  noms?: Noms;
}

/** The shared timeline of a ticket, fetched from GET /{kind}/{id}/fil and its verification. */
export function Timeline({ kind = 'questions', id, titre, noms: connus = AUCUN_NOM }: TimelineProps) {
  const fil = useFil(kind, id);
  const verification = useVerification(kind, id);
  const noms = useNoms(fil.data, connus);
  const title = titre ?? (kind === 'questions' ? 'Fil de la question' : 'Fil de la commande');
  if (!fil.data) {
    return (
      <section aria-label={title} className="timeline">
        <h2>{title}</h2>
        {fil.isPending && <Loading what="du fil" />}
        {fil.isError && <ErrorMessage error={fil.error} retry={() => fil.refetch()} />}
      </section>
    );
  }
  return (
    <TimelineView
      events={fil.data}
      verification={verification.data}
      verificationSlot={verification.isError ? <ErrorMessage error={verification.error} retry={() => verification.refetch()} /> : verification.isPending ? <Loading what="de la vérification du fil" /> : null}
      titre={title}
      noms={noms}
    />
  );
}
