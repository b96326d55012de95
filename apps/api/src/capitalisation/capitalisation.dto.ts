import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto, Texte, trim, TEXTE_MAX } from '../common/dto';

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID) valide.` });
const DIFFUSION = { enum: ['interne', 'externe'], description: 'interne : agents de la Région seulement ; externe : peut être remise telle quelle à un usager.' };
const DIFFUSION_MESSAGE = { message: 'diffusion doit valoir « interne » ou « externe ».' };
export const QUESTION_PUBLIEE_MAX = 300;

/** Publishing a question's answer: the question reworded without personal data; the rest defaults to the question's. */
export class PublierDto {
  @ApiProperty({ maxLength: QUESTION_PUBLIEE_MAX, example: 'Un camping peut-il financer un système de récupération des eaux de pluie ?', description: 'La question reformulée, sans nom, e-mail ni téléphone de l’usager.' })
  @Texte('La question reformulée', QUESTION_PUBLIEE_MAX)
  question: string;

  @ApiPropertyOptional({ maxLength: TEXTE_MAX, description: 'Par défaut, la réponse donnée à la question.' })
  @IsOptional()
  @Texte('La réponse')
  reponse?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Par défaut, le dispositif de la question ; null : aucun.' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Par défaut, le thème de la question ; null : aucun.' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string | null;

  @ApiProperty(DIFFUSION)
  @IsIn(['interne', 'externe'], DIFFUSION_MESSAGE)
  diffusion: 'interne' | 'externe';
}

/** Changing a published answer: only the fields sent change (null clears the dispositif or thème). */
export class ModifierReponsePublieeDto {
  @ApiPropertyOptional({ maxLength: QUESTION_PUBLIEE_MAX })
  @IsOptional()
  @Texte('La question reformulée', QUESTION_PUBLIEE_MAX)
  question?: string;

  @ApiPropertyOptional({ maxLength: TEXTE_MAX })
  @IsOptional()
  @Texte('La réponse')
  reponse?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID('all', uuid('themeId'))
  themeId?: string | null;

  @ApiPropertyOptional(DIFFUSION)
  @IsOptional()
  @IsIn(['interne', 'externe'], DIFFUSION_MESSAGE)
  diffusion?: 'interne' | 'externe';
}

export class ReponsesPublieesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string;
}

export class SuggestionsQueryDto {
  @ApiProperty({ maxLength: 200, description: 'L’objet en cours de saisie.', example: 'camping récupération eau de pluie' })
  @Transform(trim)
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @IsNotEmpty({ message: 'L’objet est obligatoire.' })
  @MaxLength(200, { message: 'L’objet ne doit pas dépasser 200 caractères.' })
  objet: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;

  @ApiPropertyOptional({ maxLength: TEXTE_MAX, description: 'La description, quand l’objet ne suffit pas.' })
  @IsOptional()
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @MaxLength(TEXTE_MAX, { message: `La description ne doit pas dépasser ${TEXTE_MAX} caractères.` })
  description?: string;
}
