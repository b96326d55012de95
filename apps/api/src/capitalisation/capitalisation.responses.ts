import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NEXT_CURSOR } from '../common/page.responses';

export class RefDispositifDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'Ec’Eau Tourisme' })
  nom: string;
}

export class RefThemeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'Tourisme' })
  libelle: string;
}

export class AuteurReponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty({ type: String, nullable: true, description: 'Sa direction ou sa Maison.' })
  unite: string | null;
}

export class ReponsePublieeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ description: 'La question, reformulée sans donnée personnelle.' })
  question: string;
  @ApiProperty()
  reponse: string;
  @ApiProperty({ enum: ['interne', 'externe'], description: 'externe : peut être remise telle quelle à un usager.' })
  diffusion: string;
  @ApiProperty({ type: RefDispositifDto, nullable: true })
  dispositif: RefDispositifDto | null;
  @ApiProperty({ type: RefThemeDto, nullable: true })
  theme: RefThemeDto | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'La question d’origine.' })
  questionSourceId: string | null;
  @ApiProperty({ type: AuteurReponseDto })
  auteur: AuteurReponseDto;
  @ApiProperty({ format: 'date-time' })
  publieeLe: string;
  @ApiProperty({ format: 'date-time', type: String, nullable: true })
  modifieeLe: string | null;
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'Retirée : plus listée ni suggérée.' })
  retireeLe: string | null;
  @ApiProperty({ type: 'integer' })
  version: number;
  @ApiProperty({ type: 'integer', description: 'Questions auxquelles elle a servi de réponse au guichet.' })
  reutilisations: number;
  @ApiProperty({ description: 'L’appelant peut-il la modifier ou la retirer ?' })
  peutModifier: boolean;
}

export class ReponsePublieePageDto {
  @ApiProperty({ type: ReponsePublieeDto, isArray: true })
  items: ReponsePublieeDto[];
  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
}

export class SuggestionReponsePublieeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  question: string;
  @ApiProperty()
  reponse: string;
  @ApiProperty({ type: RefDispositifDto, nullable: true })
  dispositif: RefDispositifDto | null;
  @ApiProperty({ enum: ['interne', 'externe'] })
  diffusion: string;
  @ApiProperty({ description: 'Pertinence (rang plein texte, doublé pour le même dispositif).' })
  score: number;
  @ApiProperty({ type: 'integer' })
  reutilisations: number;
}

export class SuggestionQuestionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiPropertyOptional({ description: 'Seulement si vous pouvez ouvrir la question.' })
  reference?: string;
  @ApiProperty({ description: 'L’objet (données de l’usager masquées pour une question que vous ne pouvez pas ouvrir).' })
  objet: string;
  @ApiProperty()
  reponse: string;
  @ApiProperty({ type: RefDispositifDto, nullable: true })
  dispositif: RefDispositifDto | null;
  @ApiProperty({ format: 'date-time', description: 'Dernière mise à jour de la question répondue.' })
  reponduLe: string;
  @ApiProperty()
  score: number;
}

export class SuggestionsDto {
  @ApiProperty({ type: SuggestionReponsePublieeDto, isArray: true })
  reponsesPubliees: SuggestionReponsePublieeDto[];
  @ApiProperty({ type: SuggestionQuestionDto, isArray: true })
  questions: SuggestionQuestionDto[];
}
