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

/** How the web app signs people in (read before anyone is signed in). */
export class AuthConfigurationDto {
  @ApiProperty({
    enum: ['dev', 'oidc', 'none'],
    description: '`dev` : connexion de démonstration (AUTH_DEV_LOGIN) ; `oidc` : fournisseur d’identité (code d’autorisation + PKCE) ; `none` : aucune connexion pour l’application web',
  })
  mode: 'dev' | 'oidc' | 'none';

  @ApiProperty({ required: false, description: 'L’émetteur OpenID Connect (OIDC_ISSUER), en mode `oidc`' })
  issuer?: string;

  @ApiProperty({ required: false, description: 'L’identifiant du client public de l’application web (OIDC_WEB_CLIENT_ID), en mode `oidc`' })
  clientId?: string;

  @ApiProperty({ required: false, description: 'Les scopes demandés, séparés par des espaces (OIDC_WEB_SCOPES), en mode `oidc`' })
  scopes?: string;
}
