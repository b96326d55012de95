import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, NotFoundError } from '@app/core';
import { ReferentsHistoriqueQuery, SuggestReferentQuery } from '@app/directory';
import { GetQuestionQuery } from '@app/questions';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { IdParamDto } from './directory.dto';
import { FenetreQueryDto } from './historique.dto';
import { DispositifHistoriqueDto, SuggestionReferentDto } from './historique.responses';

const MOIS_PAR_DEFAUT = 12;

/** The directory from history (ADR 0014): who answers, and whom to escalate to. */
@ApiTags('Annuaire')
@ApiBearerAuth()
@Controller()
export class HistoriqueController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('dispositifs/:id/referents-historique')
  @ApiOperation({ summary: 'Qui a réellement répondu sur ce dispositif : nombre de réponses et délai médian' })
  @ApiOkResponse({ type: DispositifHistoriqueDto })
  @ApiProblems(404)
  async referentsHistorique(@Param() { id }: IdParamDto, @Query() { mois }: FenetreQueryDto): Promise<DispositifHistoriqueDto> {
    const view = await this.queryBus.execute(new ReferentsHistoriqueQuery(id, mois ?? MOIS_PAR_DEFAUT));
    if (!view) throw new NotFoundError('Dispositif introuvable.');
    return view;
  }

  @Get('questions/:id/suggestion-referent')
  @ApiOperation({ summary: 'Le référent à qui escalader cette question, et un renfort, d’après l’historique' })
  @ApiOkResponse({ type: SuggestionReferentDto })
  @ApiProblems(404)
  async suggestion(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Query() { mois }: FenetreQueryDto): Promise<SuggestionReferentDto> {
    // Reading the question first applies its scope: out of scope is 404, like the question itself.
    const q = await this.queryBus.execute(new GetQuestionQuery(ctx, id));
    return this.queryBus.execute(
      new SuggestReferentQuery({ dispositifId: q.dispositif?.id ?? null, themeId: q.theme?.id ?? null, directionId: q.direction?.id ?? null }, mois ?? MOIS_PAR_DEFAUT),
    );
  }
}
