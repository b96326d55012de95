import { ApiProperty } from '@nestjs/swagger';
import { MODES_COURRIEL, NOTIFICATION_TYPES } from '@app/notifications';
import { PageOf } from '../common/page.responses';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type: string;
  @ApiProperty({ example: 'Q-2026-000123 : nouvelle question escaladée à votre direction' }) titre: string;
  @ApiProperty({ example: 'Q-2026-000123' }) reference: string;
  @ApiProperty({ example: '/questions/0b6c…', description: 'Le chemin, dans l’application web, qui ouvre le dossier.' }) lien: string;
  @ApiProperty({ enum: ['question', 'commande'] }) ticketType: string;
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({ format: 'date-time' }) creeeA: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null tant qu’elle n’est pas lue.' }) lueA: string | null;
}

export class NotificationPageDto extends PageOf(NotificationDto) {}

export class CompteurNotificationsDto {
  @ApiProperty({ type: 'integer', minimum: 0 }) nonLues: number;
}

export class MarquageNotificationsDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Combien viennent d’être marquées lues.' }) marquees: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) nonLues: number;
}

export class TypeNotificationDto {
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type: string;
  @ApiProperty({ example: 'Nouvelle commande reçue par ma Maison' }) libelle: string;
  @ApiProperty({ description: 'false : ce type ne peut pas être désactivé (dépassement de délai).' }) muable: boolean;
}

export class PreferencesNotificationsViewDto {
  @ApiProperty({ type: String, isArray: true, enum: NOTIFICATION_TYPES }) typesMuets: string[];
  @ApiProperty({ enum: MODES_COURRIEL }) courriel: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 23 }) heureResume: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: '0 tant que les réglages par défaut n’ont pas été modifiés ; à renvoyer dans If-Match.' }) version: number;
  @ApiProperty({ type: TypeNotificationDto, isArray: true }) types: TypeNotificationDto[];
}
