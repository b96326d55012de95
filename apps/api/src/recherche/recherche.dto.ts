import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { TYPES_RESULTAT, TypeResultat } from '@app/knowledge';

export const RECHERCHE_LIMITE_DEFAUT = 20;
export const RECHERCHE_LIMITE_MAX = 50;

export class RechercheQueryDto {
  @ApiProperty({
    description: 'Les mots cherchés, tels qu’on les tape (2 à 200 caractères) : accents, majuscules, pluriels et élisions (l’hébergement) sont sans effet.',
    example: 'eau tourisme camping',
    minLength: 2,
    maxLength: 200,
  })
  // Length and content are checked on the normalised text (RechercheService), with the same messages.
  @IsString({ message: 'doit être une chaîne de caractères.' })
  q: string;

  @ApiPropertyOptional({ enum: TYPES_RESULTAT, description: 'Seulement ce type de résultat.' })
  @IsOptional()
  @IsIn(TYPES_RESULTAT, { message: `doit valoir ${TYPES_RESULTAT.join(', ')}.` })
  type?: TypeResultat;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: RECHERCHE_LIMITE_MAX, default: RECHERCHE_LIMITE_DEFAUT })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit doit être un nombre entier.' })
  @Min(1, { message: 'limit doit être au moins 1.' })
  @Max(RECHERCHE_LIMITE_MAX, { message: `limit ne doit pas dépasser ${RECHERCHE_LIMITE_MAX}.` })
  limit?: number;
}
