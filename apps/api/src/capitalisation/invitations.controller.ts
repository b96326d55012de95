import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '@app/core';
import { InvitationsService, InvitationView } from '@app/knowledge';
import { CurrentUser } from '../auth/auth.decorators';
import { IdParamDto } from '../common/dto';
import { ApiProblems } from '../common/problem.responses';
import { InvitationsQueryDto } from './invitations.dto';
import { InvitationDto, InvitationListDto } from './invitations.responses';

/**
 * The « invitations à capitaliser » (ADR 0017): similar escalations on a dispositif of the
 * direction, for which its référents are asked to publish a FAQ entry.
 */
@ApiTags('Capitalisation')
@ApiBearerAuth()
@Controller('capitalisation/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @ApiOperation({ summary: 'Les invitations à publier ouvertes de votre direction, les plus récentes d’abord' })
  @ApiOkResponse({ type: InvitationListDto })
  @ApiProblems([403, 'Réservé aux référents et managers de la direction (le réseau : toutes).'])
  lister(@CurrentUser() ctx: AuthContext, @Query() query: InvitationsQueryDto) {
    return this.invitations.lister(ctx, query);
  }

  @Post(':id/ignorer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ignorer une invitation à publier (ses questions ne relancent plus d’invitation)' })
  @ApiOkResponse({ type: InvitationDto })
  @ApiProblems([409, 'Invitation déjà résolue (réponse publiée, ou déjà ignorée).'])
  ignorer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto): Promise<InvitationView> {
    return this.invitations.ignorer(ctx, id);
  }
}
