import { ApiProperty } from '@nestjs/swagger';
import { NEXT_CURSOR } from '../common/page.responses';

export class DocumentAuteurDto {
  @ApiProperty({ format: 'uuid', description: 'La direction qui a publié le document (une unité, pas une personne).' })
  directionId: string;
  @ApiProperty({ example: 'Direction du Tourisme' })
  direction: string;
}

export class DocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  dispositifId: string;
  @ApiProperty({ example: 'Règlement d’intervention Ec’Eau Tourisme' })
  titre: string;
  @ApiProperty({ enum: ['interne', 'externe'], description: 'interne : agents de la Région seulement ; externe : peut aussi être partagé par un lien public.' })
  diffusion: string;
  @ApiProperty({ example: 'application/pdf', description: 'Le type reconnu dans le contenu du fichier.' })
  type: string;
  @ApiProperty({ example: 'pdf' })
  extension: string;
  @ApiProperty({ type: 'integer', description: 'Taille en octets.' })
  taille: number;
  @ApiProperty({ format: 'date-time' })
  creeLe: string;
  @ApiProperty({ type: DocumentAuteurDto })
  auteur: DocumentAuteurDto;
}

export class DocumentListDto {
  @ApiProperty({ type: DocumentDto, isArray: true })
  items: DocumentDto[];
  @ApiProperty(NEXT_CURSOR)
  nextCursor: string | null;
  @ApiProperty({ description: 'L’appelant peut-il déposer des documents sur ce dispositif (direction qui le porte) ?' })
  peutDeposer: boolean;
}

export class LienDocumentDto {
  @ApiProperty({ format: 'uuid', description: 'L’identifiant du lien, pour le révoquer.' })
  id: string;
  @ApiProperty({ example: 'https://relais.laregion.fr/public/documents/4kq2…', description: 'L’adresse publique du document.' })
  url: string;
  @ApiProperty({ description: 'Le jeton (256 bits aléatoires, base64url) : Relais n’en garde que l’empreinte, il ne pourra plus être affiché.' })
  token: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Quand le lien cessera de fonctionner ; null : jusqu’à sa révocation.' })
  expireLe: string | null;
}
