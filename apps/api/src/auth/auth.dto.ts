import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, MaxLength } from 'class-validator';
import { ROLES, Role } from '@app/core';

export class DevLoginDto {
  @ApiProperty({ example: 'agent.carcassonne@relais.demo' })
  @IsEmail({}, { message: 'doit être une adresse e-mail valide.' })
  @MaxLength(254)
  email: string;
}

export class AccessTokenDto {
  @ApiProperty()
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'] })
  tokenType: string;

  @ApiProperty({ type: 'integer', description: 'Durée de validité, en secondes' })
  expiresIn: number;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: ['maison', 'direction', 'reseau'] }) perimetre: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) maisonId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) directionId: string | null;
}

export class DevUserDto {
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: String, nullable: true }) fonction: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) maisonId: string | null;
  @ApiProperty({ type: String, nullable: true }) maisonNom: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) directionId: string | null;
  @ApiProperty({ type: String, nullable: true }) directionNom: string | null;
}
