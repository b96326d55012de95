import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig, OutboxConsumer, OutboxEvent } from '@app/core';
import { NOTIFICATION_CREEE, NotificationCreeePayload } from '../notification.types';
import { CourrielJobs } from './courriel.jobs';

/**
 * The immediate e-mail: for each new notification whose recipient wants it at once (and is
 * active), one job `courriel-{notificationId}`, enqueued after the rules' event is claimed. A
 * redelivered event is skipped by its claim, and a repeated job id by BullMQ; the processor
 * re-reads the row anyway.
 */
@Injectable()
export class CourrielConsumer implements OutboxConsumer {
  readonly name = 'courriel';
  private readonly logger = new Logger(CourrielConsumer.name);

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: CourrielJobs,
  ) {}

  handles(type: string): boolean {
    return type === NOTIFICATION_CREEE && this.config.courrielActif;
  }

  async handle(event: OutboxEvent, manager: EntityManager): Promise<void | (() => Promise<void>)> {
    const payload = event.payload as unknown as NotificationCreeePayload;
    const ids = (payload.notifications ?? []).map((n) => n.id);
    if (ids.length === 0) return;
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT n.id FROM notification n
         JOIN users u ON u.id = n.destinataire_id
         LEFT JOIN notification_preference p ON p.user_id = n.destinataire_id
        WHERE n.id = ANY($1::uuid[]) AND n.courriel_envoye_a IS NULL
          AND u.actif AND u.email <> '' AND coalesce(p.courriel, 'immediat') = 'immediat'`,
      [ids],
    );
    if (rows.length === 0) return;
    return async () => {
      try {
        await this.jobs.immediats(rows.map((r) => r.id));
      } catch (err) {
        // The claim is committed: these are not enqueued again from here. They stay unmailed and
        // the recipient's next digest carries them (DELAI_RATTRAPAGE_MS).
        this.logger.warn({ err: { message: (err as Error).message }, notifications: rows.length }, 'enqueueing immediate e-mails failed; the next digest will carry them');
      }
    };
  }
}
