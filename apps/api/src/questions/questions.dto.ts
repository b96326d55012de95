import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Equals,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CANAUX, PRIORITES, QUESTION_STATUTS } from '@app/questions';
import { PageQueryDto, Texte, toBool, toList, trim, trimOrNull } from '../common/dto';

export { FilMessageDto as QuestionMessageDto, FilQueryDto, IdParamDto, MotifDto } from '../common/dto';
import type { Canal, Priorite, QuestionStatut } from '@app/questions';

/** Limits users can see in the error messages. */
export const LIMITES = { objet: 200, description: 5000, texte: 5000, motif: 1000 };

const uuid = (field: string) => ({ message: `${field} doit être un identifiant (UUID) valide.` });

export class UsagerDto {
  @ApiProperty({ example: 'Jean Dupont', maxLength: 200 })
  @Transform(trim)
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @IsNotEmpty({ message: 'Le nom de l’usager est obligatoire.' })
  @MaxLength(200)
  nom: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Camping Les Pins', maxLength: 200 })
  @Transform(trimOrNull)
  @IsOptional()
  @IsString()
  @MaxLength(200)
  organisation?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'contact@camping-lespins.fr', description: 'Facultatif, comme le téléphone : un usager peut ne laisser aucun contact et repasser à la Maison.' })
  @Transform(trimOrNull)
  @IsOptional()
  @IsEmail({}, { message: 'Donnez une adresse e-mail valide.' })
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '04 68 00 00 00' })
  @Transform(trimOrNull)
  @IsOptional()
  @Matches(/^\+?[0-9 .()-]{6,25}$/, { message: 'Donnez un numéro de téléphone valide.' })
  telephone?: string | null;

  @ApiProperty({ description: 'L’usager accepte que ses coordonnées soient conservées et transmises au référent.', enum: [true] })
  @Equals(true, { message: 'Le consentement de l’usager est obligatoire (true) pour enregistrer ses coordonnées.' })
  consentement: boolean;
}

export class CreateQuestionDto {
  @ApiProperty({ example: 'Financement d’une installation hydro-économe', maxLength: LIMITES.objet })
  @Transform(trim)
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @IsNotEmpty({ message: 'L’objet est obligatoire.' })
  @MaxLength(LIMITES.objet, { message: `L’objet ne doit pas dépasser ${LIMITES.objet} caractères.` })
  objet: string;

  @ApiProperty({ maxLength: LIMITES.description })
  @Transform(trim)
  @IsString({ message: 'doit être une chaîne de caractères.' })
  @IsNotEmpty({ message: 'La description est obligatoire.' })
  @MaxLength(LIMITES.description, { message: `La description ne doit pas dépasser ${LIMITES.description} caractères.` })
  description: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string;

  @ApiProperty({ enum: CANAUX })
  @IsIn(CANAUX, { message: `Le canal doit valoir ${CANAUX.join(', ')}.` })
  canal: Canal;

  @ApiPropertyOptional({ enum: PRIORITES, default: 'normale' })
  @IsOptional()
  @IsIn(PRIORITES, { message: `La priorité doit valoir ${PRIORITES.join(' ou ')}.` })
  priorite?: Priorite;

  @ApiProperty({ type: UsagerDto })
  @ValidateNested()
  @Type(() => UsagerDto)
  @IsNotEmpty({ message: 'L’usager est obligatoire.' })
  @IsObject({ message: 'L’usager doit être un objet (nom, coordonnées, consentement).' })
  usager: UsagerDto;
}

export class ReponseDto {
  @ApiProperty({ maxLength: LIMITES.texte })
  @Texte('La réponse')
  reponse: string;
}

export class MessageDto {
  @ApiProperty({ maxLength: LIMITES.texte })
  @Texte('Le message')
  message: string;
}

export class EscaladerDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Sans direction, la question va à la direction du dispositif, puis du thème, sinon à la coordination du réseau.' })
  @IsOptional()
  @IsUUID('all', uuid('directionId'))
  directionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Un référent précis (identifiant de référent ou d’utilisateur).' })
  @IsOptional()
  @IsUUID('all', uuid('referentId'))
  referentId?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: LIMITES.texte })
  @IsOptional()
  @Transform(trimOrNull)
  @IsString()
  @MaxLength(LIMITES.texte)
  message?: string | null;
}

export class ReorienterDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', uuid('directionId'))
  directionId: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('referentId'))
  referentId?: string;

  @ApiProperty({ maxLength: LIMITES.motif })
  @Texte('Le motif', LIMITES.motif)
  motif: string;
}

export class CloreDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'Usager informé par téléphone' })
  @IsOptional()
  @Transform(trimOrNull)
  @IsString()
  @MaxLength(500)
  issue?: string | null;
}

export class ListQuestionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['a_risque', 'depasse'], description: 'a_risque : seuil d’alerte atteint ; depasse : échéance dépassée.' })
  @IsOptional()
  @IsIn(['a_risque', 'depasse'], { message: 'sla doit valoir a_risque ou depasse.' })
  sla?: 'a_risque' | 'depasse';

  @ApiPropertyOptional({ description: 'Un ou plusieurs statuts séparés par des virgules.', example: 'escaladee,prise_en_charge' })
  @IsOptional()
  @Transform(toList)
  @IsIn(QUESTION_STATUTS, { each: true, message: `statut doit valoir ${QUESTION_STATUTS.join(', ')}.` })
  statut?: QuestionStatut[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('maisonId'))
  maisonId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('directionId'))
  directionId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;

  @ApiPropertyOptional({ enum: PRIORITES })
  @IsOptional()
  @IsIn(PRIORITES, { message: `priorite doit valoir ${PRIORITES.join(' ou ')}.` })
  priorite?: Priorite;

  @ApiPropertyOptional({ format: 'uuid', description: 'Le thème de la question ou de son dispositif.' })
  @IsOptional()
  @IsUUID('all', uuid('themeId'))
  themeId?: string;

  @ApiPropertyOptional({
    description:
      'true : les questions de tout le réseau sur les thèmes que suit votre Maison (ses spécialisations), en lecture seule, au lieu des questions de votre périmètre ; themeId en choisit un. Agents et responsables de MdR.',
  })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'specialisation doit valoir true ou false.' })
  specialisation?: boolean;
}

export class FileReferentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['a_risque', 'depasse'], description: 'a_risque : seuil d’alerte atteint ; depasse : échéance dépassée.' })
  @IsOptional()
  @IsIn(['a_risque', 'depasse'], { message: 'sla doit valoir a_risque ou depasse.' })
  sla?: 'a_risque' | 'depasse';

  @ApiPropertyOptional({ description: 'Votre direction (par défaut), ou pour la coordination du réseau : une direction ou « coordination ».' })
  @IsOptional()
  @Matches(/^(coordination|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'directionId doit être un identifiant (UUID) de direction ou « coordination ».',
  })
  directionId?: string;

  @ApiPropertyOptional({ example: 'escaladee' })
  @IsOptional()
  @Transform(toList)
  @IsIn(['escaladee', 'prise_en_charge', 'en_attente_info'], { each: true, message: 'statut doit valoir escaladee, prise_en_charge ou en_attente_info.' })
  statut?: QuestionStatut[];

  @ApiPropertyOptional({ enum: PRIORITES })
  @IsOptional()
  @IsIn(PRIORITES, { message: `priorite doit valoir ${PRIORITES.join(' ou ')}.` })
  priorite?: Priorite;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', uuid('dispositifId'))
  dispositifId?: string;

  @ApiPropertyOptional({ description: 'Seulement les questions que vous avez prises en charge.' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'miennes doit valoir true ou false.' })
  miennes?: boolean;

  @ApiPropertyOptional({ description: 'Seulement les questions que personne n’a encore prises en charge.' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean({ message: 'nonAttribuees doit valoir true ou false.' })
  nonAttribuees?: boolean;
}
