import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

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

/** A timeline's seq is a PostgreSQL integer: beyond this, the database would refuse it. */
const SEQ_MAX = 2_147_483_647;

/**
 * Query strings: only plain digits are a seq (Number() would also read 1e30, 0x10 and '' as
 * numbers); anything else is left as text for the validator to refuse.
 */
const toSeq = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value);

/** `?apres=` of a timeline: only the events after that number (live follow-up). */
export class FilQueryDto {
  @ApiPropertyOptional({ description: 'Seulement les événements après ce numéro (suivi en direct).' })
  @IsOptional()
  @Transform(toSeq)
  @IsInt({ message: 'apres doit être un nombre entier.' })
  @Min(0, { message: 'apres doit être positif ou nul.' })
  @Max(SEQ_MAX, { message: `apres ne doit pas dépasser ${SEQ_MAX}.` })
  apres?: number;
}

/** A resource id in the path. */
export class IdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'L’identifiant doit être un UUID valide.' })
  id: string;
}

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
export const trimOrNull = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

/** Bounds users see in the error messages. */
export const TEXTE_MAX = 5000;
export const MOTIF_MAX = 1000;

/** A required free text: trimmed, not empty, bounded, with French messages naming it. */
export const Texte = (label: string, max = TEXTE_MAX) =>
  applyDecorators(
    Transform(trim),
    IsString({ message: 'doit être une chaîne de caractères.' }),
    IsNotEmpty({ message: `${label} est obligatoire.` }),
    MaxLength(max, { message: `${label} ne doit pas dépasser ${max} caractères.` }),
  );

/** A reason, required wherever something is undone or refused. */
export class MotifDto {
  @ApiProperty({ maxLength: MOTIF_MAX })
  @Texte('Le motif', MOTIF_MAX)
  motif: string;
}

/** A message on a ticket's timeline: internal to the author's unit, or shared with every participant. */
export class FilMessageDto {
  @ApiProperty({ maxLength: TEXTE_MAX })
  @Texte('Le texte')
  texte: string;

  @ApiProperty({ enum: ['interne', 'partage'], description: 'interne : visible dans votre unité seulement ; partage : tous les participants.' })
  @IsIn(['interne', 'partage'], { message: 'La visibilité doit valoir interne ou partage.' })
  visibilite: 'interne' | 'partage';
}
