import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { ModeCourriel, NotificationType } from '../notification.types';
import { WEBHOOK_ENTITIES } from '../webhooks/webhook.entities';

/**
 * One notification for one user: an inbox entry. Created by the rules from an outbox event, at
 * most once per (event, recipient) whatever the retries. Its text names the ticket by reference
 * and says what happened; it never holds the usager's personal data.
 */
@Entity({ name: 'notification' })
@Unique('uq_notification_evenement_destinataire', ['evenementId', 'destinataireId'])
// The inbox reads its unread section, then its read one, each newest first on its own partial
// index (keyset on creee_a, id); the unread count is a range scan of the first.
@Index('idx_notification_non_lue', ['destinataireId', 'creeeA', 'id'], { where: 'lue_a IS NULL' })
@Index('idx_notification_lue', ['destinataireId', 'creeeA', 'id'], { where: 'lue_a IS NOT NULL' })
export class NotificationRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  destinataireId: string;

  @Column({ type: 'varchar', length: 40 })
  type: NotificationType;

  /** The outbox event (= timeline event) it comes from. */
  @Column('uuid')
  evenementId: string;

  @Column({ type: 'varchar', length: 16 })
  ticketType: 'question' | 'commande';

  @Column('uuid')
  ticketId: string;

  /** The ticket's reference (Q-2026-000123, C-2026-000012), shown in the inbox and e-mails. */
  @Column({ type: 'varchar', length: 40 })
  reference: string;

  /** One French sentence: what happened, on which ticket. */
  @Column({ type: 'text' })
  titre: string;

  /** The web app path that opens the ticket (/questions/{id}, /commandes/{id}, …). */
  @Column({ type: 'text' })
  lien: string;

  @Column({ type: 'timestamptz' })
  creeeA: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lueA: Date | null;

  /** When it was mailed (alone or in a digest); null while not mailed (or never to be). */
  @Column({ type: 'timestamptz', nullable: true })
  courrielEnvoyeA: Date | null;
}

/** A user's choices: kinds muted (never breaches), and how e-mail comes. One row per user who changed the defaults. */
@Entity({ name: 'notification_preference' })
export class NotificationPreferenceRow {
  @PrimaryColumn('uuid')
  userId: string;

  @Column({ type: 'varchar', length: 40, array: true, default: () => "'{}'" })
  typesMuets: NotificationType[];

  @Column({ type: 'varchar', length: 16, default: 'immediat' })
  courriel: ModeCourriel;

  /** The hour (Europe/Paris, 0–23) of the daily digest, sent on business days. */
  @Column({ type: 'smallint', default: 8 })
  heureResume: number;

  @Column({ type: 'int', default: 1 })
  version: number;
}

export const NOTIFICATION_ENTITIES = [NotificationRow, NotificationPreferenceRow,
  ...WEBHOOK_ENTITIES];
