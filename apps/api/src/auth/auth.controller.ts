import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import { AppConfig, AuthContext, NotFoundError, TokenService, UnauthenticatedError } from '@app/core';
import { FindAuthUserQuery, ListDevUsersQuery } from '@app/directory';
import { CurrentUser, Public } from './auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { AccessTokenDto, AuthConfigurationDto, DevLoginDto, DevUserDto, MeDto } from './auth.dto';

@ApiTags('Identité')
@Controller()
export class AuthController {
  constructor(
    private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly queryBus: QueryBus,
  ) {}

  @Public()
  @Get('auth/configuration')
  @ApiOperation({ summary: 'Comment l’application web connecte ses utilisateurs (démonstration ou fournisseur OpenID Connect)' })
  @ApiOkResponse({ type: AuthConfigurationDto })
  configuration(): AuthConfigurationDto {
    if (this.config.oidcEnabled) {
      return { mode: 'oidc', issuer: this.config.OIDC_ISSUER, clientId: this.config.OIDC_WEB_CLIENT_ID, scopes: this.config.OIDC_WEB_SCOPES };
    }
    return { mode: this.config.AUTH_DEV_LOGIN ? 'dev' : 'none' };
  }

  @Public()
  @UseGuards(ThrottlerGuard)
  @Throttle({ login: {} })
  @Post('auth/dev-login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Connexion de démonstration (seulement si AUTH_DEV_LOGIN=true)' })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiProblems(
    [401, 'Aucun compte actif ne correspond à cette adresse.'],
    [404, 'La connexion de démonstration est fermée (AUTH_DEV_LOGIN n’est pas activé).'],
    [429, 'Trop de tentatives : réessayez dans une minute.'],
  )
  async devLogin(@Body() body: DevLoginDto): Promise<AccessTokenDto> {
    this.assertDevLogin();
    const user = await this.queryBus.execute(new FindAuthUserQuery({ kind: 'email', email: body.email }));
    if (!user) throw new UnauthenticatedError('Aucun compte actif ne correspond à cette adresse.');
    const token = await this.tokens.issueDevToken({ id: user.userId, email: user.email, role: user.role });
    return { accessToken: token.accessToken, tokenType: 'Bearer', expiresIn: token.expiresIn };
  }

  @Public()
  @Get('auth/dev-users')
  @ApiOperation({ summary: 'Comptes de démonstration (seulement si AUTH_DEV_LOGIN=true)' })
  @ApiOkResponse({ type: DevUserDto, isArray: true })
  @ApiProblems([404, 'La connexion de démonstration est fermée (AUTH_DEV_LOGIN n’est pas activé).'])
  async devUsers(): Promise<DevUserDto[]> {
    this.assertDevLogin();
    return this.queryBus.execute(new ListDevUsersQuery());
  }

  @ApiBearerAuth()
  @Get('me')
  @ApiOperation({ summary: 'L’utilisateur connecté' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() auth: AuthContext): MeDto {
    return {
      id: auth.userId,
      email: auth.email,
      displayName: auth.displayName,
      role: auth.role,
      perimetre: auth.perimetre,
      maisonId: auth.maisonId,
      directionId: auth.directionId,
    };
  }

  /** Without AUTH_DEV_LOGIN the development login does not exist at all: 404, as any unknown path. */
  private assertDevLogin(): void {
    if (!this.config.AUTH_DEV_LOGIN) throw new NotFoundError('Cette adresse ne correspond à aucune ressource.');
  }
}
