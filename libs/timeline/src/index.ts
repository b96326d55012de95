/** The shared, append-only, MAC-chained timeline of every ticket type (ADR 0002). The lib's only door. */
export type { TicketType, Visibilite, Unite, Acteur, TimelineEntry, TimelineEventView, TimelineVerification } from './timeline.types';
export { appendToTimeline, readTimeline, verifyTimeline } from './timeline.store';
export { unitesOf } from './unites';

import { TimelineEventEntity } from './timeline-event.entity';
import { SceauEntity, SceauTeteEntity } from './sceau.entity';
export const TIMELINE_ENTITIES: Function[] = [TimelineEventEntity, SceauEntity, SceauTeteEntity];
export { recordTicketEvents, recordEventsOfTickets } from './record-events';
export type { RecordedEvent } from './record-events';
export { appendToTimelines } from './timeline-batch';
export type { TicketEvents, TimelineHead } from './timeline-batch';
export { timelineEventHash } from './timeline-hash';
export type { TimelineRecord } from './timeline-hash';
export { sealTimelines, anchorLegacyHeads, verifyAllTimelines, jourParis } from './timeline-seal';
export type { SealReport, FullVerificationReport } from './timeline-seal';
export { timelineEventMac, timelineHeadMac, keyringOf, texteEmpreinte, TEXTES_ANONYMISABLES, TEXTE_ANONYMISE } from './timeline-mac';
export { anonymiserFil } from './timeline-anonymise';
export type { FilAnonymise } from './timeline-anonymise';
