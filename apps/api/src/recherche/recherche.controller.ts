import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext } from '@app/core';
import { RechercheService } from '@app/knowledge';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { RECHERCHE_LIMITE_DEFAUT, RechercheQueryDto } from './recherche.dto';
import { RechercheDto } from './recherche.responses';

/** French full-text search over dispositifs, documents and published answers (ADR 0015). */
@ApiTags('Recherche')
@ApiBearerAuth()
@Controller('recherche')
export class RechercheController {
  constructor(private readonly recherche: RechercheService) {}

  @Get()
  @ApiOperation({
    summary: 'Chercher dans les dispositifs, les documents (titre et texte des PDF) et les réponses publiées',
    description:
      'Recherche plein texte en français : tous les mots d’abord, puis, s’il manque des résultats, ceux qui n’en contiennent qu’une partie (tousLesMots: false). Extraits en segments de texte brut.',
  })
  @ApiOkResponse({ type: RechercheDto })
  @ApiProblems()
  rechercher(@CurrentUser() ctx: AuthContext, @Query() query: RechercheQueryDto): Promise<RechercheDto> {
    return this.recherche.rechercher(ctx, { q: query.q, type: query.type, limit: query.limit ?? RECHERCHE_LIMITE_DEFAUT }) as Promise<RechercheDto>;
  }
}
