import { ApiProperty } from '@nestjs/swagger';

/** `{id, nom}` of a Maison, a dispositif… as a ticket names it. */
export class RefNomDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() nom: string;
}

/** `{id, libelle}` of a thème as a ticket names it. */
export class RefLibelleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() libelle: string;
}

/** A person as a ticket names them. */
export class PersonneDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Claire Vidal' }) displayName: string;
}
