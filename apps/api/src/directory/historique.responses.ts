import { ApiProperty } from '@nestjs/swagger';
import { DirectionRefDto, DispositifRefDto } from './directory.dto';

export class DispositifHistoriqueRefDto extends DispositifRefDto {
  @ApiProperty({ type: DirectionRefDto, description: 'Direction qui porte le dispositif' }) direction: DirectionRefDto;
}

export class ReferentHistoriqueDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Identifiant du référent ; null si la personne n’est plus dans l’annuaire' })
  referentId: string | null;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ example: 'Claire Vidal' }) displayName: string;
  @ApiProperty({ type: String, nullable: true }) email: string | null;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
  @ApiProperty({ type: DirectionRefDto, nullable: true }) direction: DirectionRefDto | null;
  @ApiProperty({ description: 'Compte actif et référent de la direction qui porte le dispositif aujourd’hui' }) actif: boolean;
  @ApiProperty({ type: 'integer', description: 'Réponses (question.repondue) sur la fenêtre' }) reponses: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Délai médian en heures calendaires (pas en minutes ouvrées) entre la dernière escalade et la réponse' })
  delaiMedianHeures: number | null;
  @ApiProperty({ format: 'date-time' }) derniereReponse: string;
}

export class DispositifHistoriqueDto {
  @ApiProperty({ type: DispositifHistoriqueRefDto }) dispositif: DispositifHistoriqueRefDto;
  @ApiProperty({ type: 'integer', example: 12, description: 'Fenêtre, en mois' }) mois: number;
  @ApiProperty({ format: 'date-time', description: 'Début de la fenêtre' }) depuis: string;
  @ApiProperty({ type: ReferentHistoriqueDto, isArray: true, description: 'Qui a répondu, le plus de réponses d’abord' })
  referents: ReferentHistoriqueDto[];
}

export class ReferentSuggereDto {
  @ApiProperty({ format: 'uuid', description: 'À passer en referentId de POST /questions/{id}/escalader' }) referentId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: String, nullable: true }) telephone: string | null;
  @ApiProperty({ type: 'integer' }) reponses: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Heures calendaires' }) delaiMedianHeures: number | null;
  @ApiProperty({ enum: ['historique', 'annuaire'], description: 'historique : choisi sur ses réponses ; annuaire : aucune réponse, désigné par l’annuaire' })
  motif: 'historique' | 'annuaire';
}

export class SuggestionReferentDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Direction compétente' }) directionId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) dispositifId: string | null;
  @ApiProperty({ type: 'integer' }) mois: number;
  @ApiProperty({ type: ReferentSuggereDto, nullable: true }) suggere: ReferentSuggereDto | null;
  @ApiProperty({ type: ReferentSuggereDto, nullable: true, description: 'En renfort' }) renfort: ReferentSuggereDto | null;
}
