import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { LivraisonStatut } from './webhook.types';

/**
 * A receiver of the Région's other systems, registered by an admin: an URL and the event types it
 * wants. Its secret (Standard Webhooks `whsec_…`) signs every delivery; it is shown once, at
 * creation, and never again.
 */
@Entity({ name: 'webhook_endpoint' })
export class WebhookEndpointRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'varchar', length: 60, array: true })
  types: string[];

  @Column({ type: 'varchar', length: 100 })
  secret: string;

  @Column({ type: 'boolean', default: true })
  actif: boolean;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column('uuid')
  creePar: string;

  @Column({ type: 'timestamptz' })
  creeA: Date;

  @Column({ type: 'timestamptz' })
  modifieA: Date;
}

/**
 * One event for one endpoint: its id is the `webhook-id` of every attempt (receivers dedupe on
 * it), its payload is fixed when it is created (a replay sends the same body). The row is the
 * truth; BullMQ jobs only wake the worker (ADR 0011).
 */
@Entity({ name: 'webhook_livraison' })
@Unique('uq_webhook_livraison_endpoint_evenement', ['endpointId', 'evenementId'])
@Index('idx_webhook_livraison_endpoint', ['endpointId', 'creeeA', 'id'])
@Index('idx_webhook_livraison_en_cours', ['endpointId'], { where: 'en_cours_jusqua IS NOT NULL' })
@Index('idx_webhook_livraison_terminee', ['creeeA'], { where: `statut <> 'en_attente'` })
@Index('idx_webhook_livraison_en_attente', ['prochaineTentativeA'], { where: `statut = 'en_attente'` })
@Check('chk_webhook_livraison_statut', `statut IN ('en_attente', 'livree', 'echouee')`)
export class WebhookLivraisonRow {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  endpointId: string;

  /** The outbox (= timeline) event delivered. */
  @Column('uuid')
  evenementId: string;

  @Column({ type: 'varchar', length: 60 })
  type: string;

  /** The JSON body sent, exactly (signed as is). */
  @Column({ type: 'text' })
  payload: string;

  @Column({ type: 'varchar', length: 16 })
  statut: LivraisonStatut;

  /** Attempts made so far, replays included. */
  @Column({ type: 'int', default: 0 })
  tentatives: number;

  /** The attempt after which a failure is final (echouee): the schedule's length + 1, or one more on a replay. */
  @Column({ type: 'int' })
  tentativesMax: number;

  @Column({ type: 'timestamptz' })
  prochaineTentativeA: Date;

  /** A worker sending it holds it until then (a crashed worker's claim lapses). */
  @Column({ type: 'timestamptz', nullable: true })
  enCoursJusqua: Date | null;

  /** The claim's token: only the worker that claimed the attempt records its outcome. */
  @Column({ type: 'uuid', nullable: true })
  jeton: string | null;

  @Column({ type: 'smallint', nullable: true })
  dernierStatutHttp: number | null;

  /** Why the last attempt failed: a short excerpt, never the receiver's whole answer. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  derniereErreur: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  derniereTentativeA: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  livreeA: Date | null;

  @Column({ type: 'timestamptz' })
  creeeA: Date;
}

export const WEBHOOK_ENTITIES = [WebhookEndpointRow, WebhookLivraisonRow];
