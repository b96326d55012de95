import { ApiProperty } from '@nestjs/swagger';

const TICKET_TYPES = ['question', 'commande'];

/** `event: fil` — a new event on the fil of a ticket the caller reads: enough to refetch it, never its text. */
export class FluxFilEvenementDto {
  @ApiProperty({ format: 'uuid', description: 'L’identifiant de l’événement du fil : un même événement peut arriver deux fois (au moins une fois), dédoublonnez par id.' })
  id: string;

  @ApiProperty({ enum: TICKET_TYPES }) ticketType: string;
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({ type: String, nullable: true, example: 'Q-2026-000123' }) reference: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position de l’événement dans le fil (GET …/fil).' }) seq: number;
  @ApiProperty({ example: 'question.escaladee', description: 'Le type d’événement (question.*, commande.*, affectation.*, sla.*).' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

/** `event: notification` — a notification for the caller (its inbox entry). */
export class FluxNotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'question_escaladee' }) type: string;
  @ApiProperty({ example: 'La question Q-2026-000123 a été escaladée à votre direction.' }) titre: string;
  @ApiProperty({ example: '/questions/2b0c…', description: 'Le chemin de l’application web qui ouvre le ticket.' }) lien: string;
  @ApiProperty({ enum: TICKET_TYPES }) ticketType: string;
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({ example: 'Q-2026-000123' }) reference: string;
}

/** `event: resync` — events were missed and can no longer be replayed: refetch what is on screen. */
export class FluxResyncDto {}
