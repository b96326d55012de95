import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class FenetreQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 36, default: 12, description: 'Fenêtre de l’historique, en mois.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'doit être un nombre entier de mois.' })
  @Min(1, { message: 'doit valoir au moins 1.' })
  @Max(36, { message: 'ne doit pas dépasser 36.' })
  mois?: number;
}
