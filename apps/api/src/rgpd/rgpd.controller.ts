import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, ValidationFailedError } from '@app/core';
import { IdentifiantUsager, RgpdService } from '@app/questions';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { PageQueryDto } from '../common/dto';
import { ApiProblems } from '../common/problem.responses';
import { EffacementDto, IdentifiantUsagerDto } from './rgpd.dto';
import { EffacementResultDto, ExportRgpdDto, RgpdJournalPageDto } from './rgpd.responses';

/**
 * Data protection (issue 16, ADR 0023, docs/rgpd.md): an usager's rights of access and erasure,
 * exercised by an administrator, and the register of every act on usager data.
 */
@ApiTags('RGPD')
@ApiBearerAuth()
@Controller('rgpd')
export class RgpdController {
  constructor(private readonly rgpd: RgpdService) {}

  @Post('acces')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Droit d’accès : tout ce que Relais détient sur un usager (JSON)',
    description: 'Administrateur seulement. Par adresse e-mail ou par téléphone (l’un des deux). Les questions déjà anonymisées n’ont plus cet identifiant et n’y figurent pas. L’export est inscrit au journal RGPD.',
  })
  @ApiOkResponse({ type: ExportRgpdDto })
  @ApiProblems(403)
  async acces(@CurrentUser() ctx: AuthContext, @Body() body: IdentifiantUsagerDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.rgpd.acces(ctx, identifiant(body));
    reply.header('content-disposition', `attachment; filename="relais-rgpd-acces-${result.genereLe.slice(0, 10)}.json"`);
    return result;
  }

  @Post('effacements')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Droit à l’effacement : anonymiser maintenant les questions d’un usager',
    description: 'Administrateur seulement. Même anonymisation que la rétention (ADR 0023) : coordonnées, textes libres, fil (qui reste vérifiable), charges utiles, liens de suivi. Refusé (409 nommant les questions) tant qu’une de ses questions est ouverte. Inscrit au journal avec le motif.',
  })
  @ApiOkResponse({ type: EffacementResultDto })
  @ApiProblems(403, [409, 'Une question de l’usager est encore ouverte : clôturez-la d’abord.'])
  effacer(@CurrentUser() ctx: AuthContext, @Body() body: EffacementDto) {
    return this.rgpd.effacer(ctx, identifiant(body), body.motif);
  }

  @Get('journal')
  @Roles('admin')
  @ApiOperation({ summary: 'Le journal RGPD : rétentions, effacements et exports, du plus récent au plus ancien', description: 'Administrateur seulement. Sans donnée personnelle : les questions par identifiant.' })
  @ApiOkResponse({ type: RgpdJournalPageDto })
  @ApiProblems(403)
  journal(@Query() query: PageQueryDto) {
    return this.rgpd.journal(query);
  }
}

/** Exactly one of the two. */
function identifiant(body: IdentifiantUsagerDto): IdentifiantUsager {
  if (!!body.email === !!body.telephone) {
    throw new ValidationFailedError([{ field: body.email ? 'telephone' : 'email', message: 'Donnez l’adresse e-mail ou le numéro de téléphone de l’usager, l’un des deux.' }]);
  }
  return body.email ? { email: body.email } : { telephone: body.telephone! };
}
