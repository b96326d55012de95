import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, Clock, OutboxConsumer, OutboxEvent } from '@app/core';
import { appendToTimelines } from '@app/timeline';
import { CAPITALISATION_SUGGEREE, inviterACapitaliser, QUESTION_CAPITALISATION_SUGGEREE, resoudreParPublication, verrouillerDispositif } from './invitations';

/** The question events that put a question in a direction's queue. */
const ESCALADES = new Set(['question.escaladee', 'question.reorientee']);
/** A FAQ entry published from a question (the publishing use case's event, payload `dispositifId`). */
export const QUESTION_REPONSE_PUBLIEE = 'question.reponse_publiee';

/**
 * The « invitation à capitaliser » (ADR 0017): at each escalation on a dispositif, checks whether
 * enough similar escalations piled up to prompt the référents to publish a FAQ entry. Runs in
 * the consumer's transaction with its idempotency claim, so a redelivered event does nothing.
 */
@Injectable()
export class InvitationCapitalisationConsumer implements OutboxConsumer {
  readonly name = 'capitalisation-invitation';

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  handles(type: string): boolean {
    return ESCALADES.has(type) || type === QUESTION_REPONSE_PUBLIEE;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void> {
    if (event.type === QUESTION_REPONSE_PUBLIEE) {
      // The answer may close the dispositif's open invitations at once (they also catch up when read).
      const dispositifId = (event.payload.dispositifId ?? null) as string | null;
      if (!dispositifId) return;
      await verrouillerDispositif(manager, dispositifId);
      await resoudreParPublication(manager, dispositifId);
      return;
    }
    const [q] = await manager.query(`SELECT dispositif_id FROM question WHERE id = $1`, [event.aggregateId]);
    if (!q?.dispositif_id) return;
    await inviterACapitaliser(
      manager,
      {
        questionId: event.aggregateId,
        dispositifId: q.dispositif_id,
        now: this.clock.now(),
        seuil: this.config.CAPITALISATION_SEUIL,
        fenetreSemaines: this.config.CAPITALISATION_FENETRE_SEMAINES,
      },
      async (m, e) => {
        // The fil's writers hold the question row's lock (libs/timeline).
        await m.query(`SELECT 1 FROM question WHERE id = $1 FOR UPDATE`, [e.questionId]);
        await appendToTimelines(
          m,
          [
            {
              ticketType: 'question',
              ticketId: e.questionId,
              events: [
                {
                  eventId: e.eventId,
                  type: QUESTION_CAPITALISATION_SUGGEREE,
                  at: e.at,
                  acteur: null,
                  visibilite: 'interne',
                  unite: { type: 'direction', id: e.directionId },
                  data: e.data,
                },
              ],
            },
          ],
          [{ id: e.eventId, type: CAPITALISATION_SUGGEREE, aggregateType: 'question', aggregateId: e.questionId, payload: e.payload, occurredAt: e.at }],
        );
      },
    );
  }
}
