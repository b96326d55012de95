import { ApiProperty } from '@nestjs/swagger';
import { NEXT_CURSOR } from '../common/page.responses';

export class InvitationDispositifDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: "Ec'Eau Tourisme" }) nom: string;
}

export class InvitationQuestionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Q-2026-000123' }) reference: string;
}

export class InvitationQuestionObjetDto extends InvitationQuestionDto {
  @ApiProperty({ example: 'Hébergement en camping : les travaux sont-ils éligibles ?' }) objet: string;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: InvitationDispositifDto }) dispositif: InvitationDispositifDto;
  @ApiProperty({ format: 'uuid', description: 'La direction dont les référents sont invités à publier.' }) directionId: string;
  @ApiProperty({ type: InvitationQuestionDto, description: 'La dernière escalade du groupe : la page d’où publier.' }) question: InvitationQuestionDto;
  @ApiProperty({ type: InvitationQuestionObjetDto, isArray: true, description: 'Les questions semblables, de la plus ancienne à la plus récente.' }) questions: InvitationQuestionObjetDto[];
  @ApiProperty({ type: 'integer', minimum: 2 }) nombre: number;
  @ApiProperty({ format: 'date-time' }) creeeLe: string;
  @ApiProperty({ type: String, enum: ['publiee', 'ignoree'], nullable: true, description: 'null : ouverte.' }) resolution: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolueLe: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class InvitationListDto {
  @ApiProperty({ type: InvitationDto, isArray: true }) items: InvitationDto[];
  @ApiProperty(NEXT_CURSOR) nextCursor: string | null;
}
