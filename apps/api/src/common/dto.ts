import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

/** Query strings: `a,b,c` → ['a', 'b', 'c']. */
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;

/** Query strings: 'true'/'false' → booleans (anything else is left for the validator to refuse). */
export const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** `?limit=&cursor=` of every list. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit doit être un nombre entier.' })
  @Min(1, { message: 'limit doit être au moins 1.' })
  @Max(200, { message: 'limit ne doit pas dépasser 200.' })
  limit?: number;

  @ApiPropertyOptional({ description: 'La valeur nextCursor de la page précédente.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** `?apres=` of a timeline: only the events after that number (live follow-up). */
export class FilQueryDto {
  @ApiPropertyOptional({ description: 'Seulement les événements après ce numéro (suivi en direct).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'apres doit être un nombre entier.' })
  @Min(0)
  apres?: number;
}

/** A resource id in the path. */
export class IdParamDto {
  @IsUUID('all', { message: 'L’identifiant doit être un UUID valide.' })
  id: string;
}
