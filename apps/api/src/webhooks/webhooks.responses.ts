import { ApiProperty } from '@nestjs/swagger';
import { LIVRAISON_STATUTS, WEBHOOK_EVENT_TYPES } from '@app/notifications';
import { PageOf } from '../common/page.responses';

const INSTANT = (description: string) => ({ type: String, format: 'date-time', nullable: true, description });

export class WebhookLivraisonsCompteDto {
  @ApiProperty({ type: 'integer' }) enAttente: number;
  @ApiProperty({ type: 'integer' }) livrees: number;
  @ApiProperty({ type: 'integer', description: 'Échouées après la dernière tentative : à rejouer.' }) echouees: number;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) types: string[];
  @ApiProperty() actif: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'uuid', description: 'L’administrateur qui l’a enregistré.' }) creePar: string;
  @ApiProperty({ format: 'date-time' }) creeA: string;
  @ApiProperty({ format: 'date-time' }) modifieA: string;
  @ApiProperty({ type: WebhookLivraisonsCompteDto }) livraisons: WebhookLivraisonsCompteDto;
}

export class WebhookCreeDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Le secret de signature (Standard Webhooks), montré cette fois seulement : conservez-le.' })
  secret: string;
}

export class WebhookPageDto extends PageOf(WebhookDto) {}

export class WebhookLivraisonDto {
  @ApiProperty({ format: 'uuid', description: 'Aussi l’en-tête webhook-id de chaque tentative.' }) id: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty({ format: 'uuid', description: 'L’événement du fil livré.' }) evenementId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ enum: LIVRAISON_STATUTS }) statut: string;
  @ApiProperty({ type: 'integer' }) tentatives: number;
  @ApiProperty(INSTANT('La prochaine tentative ; null une fois livrée ou échouée.')) prochaineTentativeA: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Le statut HTTP de la dernière réponse ; null sans réponse (délai, connexion).' }) dernierStatutHttp: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Pourquoi la dernière tentative a échoué (un court extrait).' }) derniereErreur: string | null;
  @ApiProperty(INSTANT('La dernière tentative.')) derniereTentativeA: string | null;
  @ApiProperty(INSTANT('Quand le destinataire l’a acceptée.')) livreeA: string | null;
  @ApiProperty({ format: 'date-time' }) creeeA: string;
}

export class WebhookLivraisonPageDto extends PageOf(WebhookLivraisonDto) {}
