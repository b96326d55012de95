import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { LIVRAISON_STATUTS, WEBHOOK_EVENT_TYPES } from '@app/notifications';
import type { LivraisonStatut } from '@app/notifications';
import { PageQueryDto, Texte, trimOrNull } from '../common/dto';

export const URL_MAX = 2000;
export const DESCRIPTION_MAX = 500;

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://si.laregion.fr/relais/webhooks', maxLength: URL_MAX, description: 'https obligatoire (http seulement en développement).' })
  @Texte('L’adresse', URL_MAX)
  url: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: DESCRIPTION_MAX, example: 'Tableau de suivi de la DITEE' })
  @IsOptional()
  @Transform(trimOrNull)
  @IsString({ message: 'La description doit être une chaîne de caractères.' })
  @MaxLength(DESCRIPTION_MAX, { message: `La description ne doit pas dépasser ${DESCRIPTION_MAX} caractères.` })
  description?: string | null;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Les types d’événements à recevoir (au moins un).' })
  @IsArray({ message: 'types doit être une liste de types d’événements.' })
  @ArrayMinSize(1, { message: 'Choisissez au moins un type d’événement.' })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length, { message: `types ne doit pas compter plus de ${WEBHOOK_EVENT_TYPES.length} éléments.` })
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: 'Type d’événement inconnu : choisissez parmi ceux de la documentation.' })
  types: string[];
}

export class LivraisonsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: LIVRAISON_STATUTS })
  @IsOptional()
  @IsIn(LIVRAISON_STATUTS, { message: 'statut doit valoir en_attente, livree ou echouee.' })
  statut?: LivraisonStatut;
}
