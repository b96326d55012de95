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

export class FilTeteDto {
  @ApiProperty({ type: 'integer', description: 'seq du dernier événement selon le ticket.' }) seq: number;
  @ApiProperty({ type: String, nullable: true, description: 'Identifiant de la clé qui a signé la tête.' }) cle: string | null;
  @ApiProperty({ description: 'true si le MAC de la tête et la chaîne concordent.' }) valide: boolean;
}

export class FilSceauDto {
  @ApiProperty({ format: 'date', example: '2026-12-06' }) jour: string;
  @ApiProperty({ format: 'date-time' }) scelleA: string;
  @ApiProperty({ type: 'integer', description: 'seq de la tête scellée.' }) seq: number;
  @ApiProperty({ description: 'true si le fil contient toujours ce que le sceau a enregistré.' }) valide: boolean;
}

export class FilAnomalieDto {
  @ApiProperty({ type: 'integer' }) seq: number;
  @ApiProperty({ example: 'MAC invalide' }) raison: string;
}

export class FilVerificationDto {
  @ApiProperty({ description: 'true si la chaîne du fil est intacte.' }) valide: boolean;
  @ApiProperty({ type: 'integer', description: 'Nombre d’événements vérifiés.' }) evenements: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'seq du premier événement dont l’empreinte, le lien ou la position est faux ; null si le fil est valide.' })
  premiereAnomalie: number | null;
  @ApiProperty({ type: 'integer', description: 'Événements chaînés avant la signature par MAC (SHA-256 seul), couverts par la tête ancrée sur le ticket.' })
  anterieursAuMac: number;
  @ApiProperty({ type: FilTeteDto, description: 'La tête du fil portée par le ticket.' }) tete: FilTeteDto;
  @ApiProperty({ type: FilSceauDto, nullable: true, description: 'Le dernier sceau quotidien qui couvre le ticket ; null s’il n’est pas encore scellé.' })
  sceau: FilSceauDto | null;
  @ApiProperty({ type: FilAnomalieDto, required: false, description: 'La première anomalie, en clair (absente si le fil est valide).' })
  anomalie?: FilAnomalieDto;
}
