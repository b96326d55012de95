import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { METEOS, Meteo } from '@app/barometre';
import { Texte, trim } from '../common/dto';

export const COMMENTAIRE_MAX = 500;
export const SYNTHESE_MAX = 3000;
const MOIS = /^\d{4}-(0[1-9]|1[0-2])$/;
const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID) valide.` });

/** One « Quel temps fait-il chez vous ? » entry. */
export class EnregistrerReleveDto {
  @ApiProperty({ format: 'uuid', description: 'Votre Maison de la Région.' })
  @IsUUID('all', uuid('maisonId'))
  maisonId: string;

  @ApiProperty({ enum: METEOS, description: 'soleil, soleil_voile, nuageux, pluie ou orage.' })
  @IsIn(METEOS as unknown as string[], { message: 'meteo doit valoir soleil, soleil_voile, nuageux, pluie ou orage.' })
  meteo: Meteo;

  @ApiPropertyOptional({ maxLength: COMMENTAIRE_MAX, example: 'Les familles trouvent le dossier de bourse trop long.', description: 'Court (facultatif), sans donnée personnelle : une adresse e-mail ou un numéro de téléphone est refusé (422).' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @MaxLength(COMMENTAIRE_MAX, { message: `Le commentaire ne doit pas dépasser ${COMMENTAIRE_MAX} caractères.` })
  commentaire?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;
}

export class BarometreQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: 'Le mois (AAAA-MM, heure de Paris) ; par défaut, le mois en cours.' })
  @IsOptional()
  @Matches(MOIS, { message: 'doit être un mois au format AAAA-MM.' })
  mois?: string;

  @ApiPropertyOptional({ example: 'reseau', description: 'reseau, direction:{id} ou maison:{id} ; par défaut, votre périmètre (votre Maison pour une Maison).' })
  @IsOptional()
  @Matches(/^(reseau|(direction|maison):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'doit valoir reseau, direction:{identifiant} ou maison:{identifiant}.',
  })
  perimetre?: string;
}

export class PublierSyntheseDto {
  @ApiProperty({ example: '2026-11', description: 'Le mois résumé (AAAA-MM).' })
  @Matches(MOIS, { message: 'doit être un mois au format AAAA-MM.' })
  mois: string;

  @ApiProperty({ maxLength: SYNTHESE_MAX, description: 'La synthèse du mois, sans donnée personnelle.' })
  @Texte('Le texte', SYNTHESE_MAX)
  texte: string;
}

export class SynthesesQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: 'Le mois (AAAA-MM) ; par défaut, le mois en cours.' })
  @IsOptional()
  @Matches(MOIS, { message: 'doit être un mois au format AAAA-MM.' })
  mois?: string;
}
