import { ArgumentsHost, Catch, Controller, ExceptionFilter, Get, Param, Res, UseFilters, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle, Throttle, ThrottlerException, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { ProblemFilter, toProblem } from '@app/core';
import { GetSuiviQuery } from '@app/questions';
import { Public } from '../auth/auth.decorators';
import { SUIVI_HEADERS, SUIVI_INTROUVABLE, SUIVI_TROP_DE_REQUETES, suiviPage } from './suivi.page';

const HTML = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' } } } });

/**
 * A refused page is a page too: 404 and 429 answer HTML in French (the usager's browser shows
 * them), with the page's headers. Anything else (the database down) is the API's problem+json.
 */
@Catch()
export class SuiviPageFilter implements ExceptionFilter {
  private readonly problems = new ProblemFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const status = exception instanceof ThrottlerException ? 429 : toProblem(exception).status;
    if (status !== 404 && status !== 429) return this.problems.catch(exception, host);
    if (status === 429) reply.header('retry-after', '60');
    void reply.status(status).headers(SUIVI_HEADERS).send(status === 404 ? SUIVI_INTROUVABLE : SUIVI_TROP_DE_REQUETES);
  }
}

/**
 * The usager's tracking page, at the root (`/suivi/{token}`, outside the web app): public, since
 * the unguessable token is the only key; rate-limited per client address, so tokens cannot be
 * tried in bulk. A wrong, revoked or expired token gets the same 404 page (ADR 0010).
 */
@ApiTags('Suivi usager')
@Public()
@UseGuards(ThrottlerGuard)
@SkipThrottle({ login: true })
@Throttle({ suivi: {} })
@UseFilters(SuiviPageFilter)
@Controller('suivi')
export class SuiviController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':token')
  @ApiOperation({ summary: 'La page de suivi de l’usager (HTML, sans donnée personnelle) : référence, étape, dates, Maison' })
  @ApiParam({ name: 'token', description: 'Le jeton du lien de suivi remis par la Maison (43 caractères base64url).' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, ...HTML('La page de suivi.') })
  @ApiResponse({ status: 404, ...HTML('Lien inconnu, remplacé ou expiré : la même page dans tous les cas.') })
  @ApiResponse({ status: 429, ...HTML('Trop de consultations depuis cette adresse : réessayer dans une minute.') })
  async page(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const view = await this.queryBus.execute(new GetSuiviQuery(token));
    reply.headers(SUIVI_HEADERS).status(view ? 200 : 404);
    return view ? suiviPage(view) : SUIVI_INTROUVABLE;
  }
}
