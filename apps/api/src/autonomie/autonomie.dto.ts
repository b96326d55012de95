import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { DOMAINES_AUTONOMIE, DomaineAutonomie } from '@app/barometre';
import { Texte } from '../common/dto';

const MOIS = /^\d{4}-(0[1-9]|1[0-2])$/;
const MOIS_MESSAGE = { message: 'doit être un mois au format AAAA-MM.' };

export class JaugeAutonomieQueryDto {
  @ApiPropertyOptional({ example: 'reseau', description: 'reseau, direction:{id} ou maison:{id} ; par défaut, votre périmètre.' })
  @IsOptional()
  @Matches(/^(reseau|(direction|maison):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'doit valoir reseau, direction:{identifiant} ou maison:{identifiant}.',
  })
  perimetre?: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'Le mois (heure de Paris) ; par défaut, le mois en cours. Exclut du et au.' })
  @IsOptional()
  @Matches(MOIS, MOIS_MESSAGE)
  mois?: string;

  @ApiPropertyOptional({ example: '2026-09', description: 'Premier mois d’une période (inclus).' })
  @IsOptional()
  @Matches(MOIS, MOIS_MESSAGE)
  du?: string;

  @ApiPropertyOptional({ example: '2026-11', description: 'Dernier mois d’une période (inclus), 24 mois au plus.' })
  @IsOptional()
  @Matches(MOIS, MOIS_MESSAGE)
  au?: string;
}

export class EnqueteAutonomieQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Par défaut, l’enquête ouverte, sinon la dernière.' })
  @IsOptional()
  @IsUUID('all', { message: 'enqueteId doit être un identifiant (UUID) valide.' })
  enqueteId?: string;
}

export class OuvrirEnqueteAutonomieDto {
  @ApiProperty({ maxLength: 120, example: 'Enquête autonomie 2026' })
  @Texte('Le libellé', 120)
  libelle: string;
}

export class NoteAutonomieDto {
  @ApiProperty({ enum: DOMAINES_AUTONOMIE })
  @IsIn(DOMAINES_AUTONOMIE, { message: `domaine doit valoir ${DOMAINES_AUTONOMIE.join(', ')}.` })
  domaine: DomaineAutonomie;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: 'Autonomie actuelle, de 1 (aucune) à 5 (totale).' })
  @IsInt({ message: 'doit être un nombre entier de 1 à 5.' })
  @Min(1, { message: 'doit être un nombre entier de 1 à 5.' })
  @Max(5, { message: 'doit être un nombre entier de 1 à 5.' })
  actuelle: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: 'Autonomie souhaitée, de 1 (aucune) à 5 (totale).' })
  @IsInt({ message: 'doit être un nombre entier de 1 à 5.' })
  @Min(1, { message: 'doit être un nombre entier de 1 à 5.' })
  @Max(5, { message: 'doit être un nombre entier de 1 à 5.' })
  souhaitee: number;
}

export class RepondreEnqueteAutonomieDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Par défaut, l’enquête ouverte.' })
  @IsOptional()
  @IsUUID('all', { message: 'enqueteId doit être un identifiant (UUID) valide.' })
  enqueteId?: string;

  @ApiProperty({ type: [NoteAutonomieDto], minItems: 5, maxItems: 5, description: 'Chaque domaine une fois : communication, evenements, partenariats, budget, reponse_usagers.' })
  @IsArray({ message: 'doit être une liste.' })
  @ArrayMaxSize(DOMAINES_AUTONOMIE.length, { message: `Au plus ${DOMAINES_AUTONOMIE.length} notes, une par domaine.` })
  @IsObject({ each: true, message: 'Chaque note doit être un objet (domaine, actuelle, souhaitee).' })
  @ValidateNested({ each: true })
  @Type(() => NoteAutonomieDto)
  notes: NoteAutonomieDto[];
}
