import { ApiProperty } from '@nestjs/swagger';

export class ActeurDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Claire Vidal' }) displayName: string;
  @ApiProperty({ example: 'referent', description: 'Le rôle de l’auteur au moment de l’événement.' }) role: string;
}

/** One event of a ticket's timeline (fil), as GET …/fil lists them in seq order. */
export class FilEvenementDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Position dans le fil, à partir de 1, sans trou.' }) seq: number;
  @ApiProperty({ example: 'question.escaladee', description: 'Le type d’événement (question.*, commande.*, affectation.*, sla.*).' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: ActeurDto, nullable: true, description: 'null pour un événement du système (horloges SLA).' }) acteur: ActeurDto | null;
  @ApiProperty({ enum: ['partage', 'interne'], description: 'interne : visible de l’unité de l’auteur seulement.' }) visibilite: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Les données de l’événement, selon son type (jamais de données personnelles d’usager).' })
  data: Record<string, unknown>;
  @ApiProperty({ description: 'Empreinte de l’événement (chaîne du fil).' }) hash: string;
  @ApiProperty({ type: String, nullable: true, description: 'Empreinte de l’événement précédent ; null pour le premier.' }) previousHash: string | null;
}

export class FilVerificationDto {
  @ApiProperty({ description: 'true si la chaîne du fil est intacte.' }) valide: boolean;
  @ApiProperty({ type: 'integer', description: 'Nombre d’événements vérifiés.' }) evenements: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'seq du premier événement dont l’empreinte, le lien ou la position est faux ; null si le fil est valide.' })
  premiereAnomalie: number | null;
}
