import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AppConfig, AuthContext, ForbiddenError, NotFoundError, Page, pageOfList } from '@app/core';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { PageQueryDto } from '../common/dto';
import {
  DefinirSpecialisationsCommand,
  GetDirectionQuery,
  GetDispositifQuery,
  GetMaisonQuery,
  ListDirectionsQuery,
  ListDispositifsQuery,
  ListMaisonsQuery,
  ListOrphelinsQuery,
  ListReferentsQuery,
  ListThemesQuery,
} from '@app/directory';
import {
  DirectionDetailDto,
  DirectionListDto,
  DispositifDto,
  DispositifListDto,
  DispositifsQueryDto,
  IdParamDto,
  MaisonDto,
  MaisonListDto,
  ReferentListDto,
  ReferentsQueryDto,
  SpecialisationsDto,
  ThemeListDto,
} from './directory.dto';

const BAD_REQUEST = 'Paramètre invalide ou inconnu (problem+json, une erreur par champ).';

/**
 * The directory is reference data: every authenticated role may read it. Lists answer
 * `{items, nextCursor}` with `?limit=&cursor=` like every list of the API; read whole (a few
 * hundred rows at most) and cut in pages in their own order.
 */
@ApiTags('Annuaire')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Jeton absent, invalide ou compte désactivé (problem+json).' })
@ApiBadRequestResponse({ description: BAD_REQUEST })
@Controller()
export class DirectoryController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
    private readonly config: AppConfig,
  ) {}

  @Get('maisons')
  @ApiOperation({ summary: 'Les Maisons de la Région et bureaux territoriaux, avec leurs spécialisations' })
  @ApiOkResponse({ type: MaisonListDto })
  async listMaisons(@Query() query: PageQueryDto): Promise<MaisonListDto> {
    return page(await this.queryBus.execute(new ListMaisonsQuery()), query);
  }

  @Get('maisons/:id')
  @ApiOperation({ summary: 'Une Maison de la Région' })
  @ApiOkResponse({ type: MaisonDto })
  @ApiNotFoundResponse({ description: 'Maison introuvable (problem+json).' })
  async getMaison(@Param() { id }: IdParamDto): Promise<MaisonDto> {
    return found(await this.queryBus.execute(new GetMaisonQuery(id)), 'Maison de la Région introuvable.');
  }

  @Put('maisons/:id/specialisations')
  @ApiOperation({
    summary: 'Définir les spécialisations d’une Maison (manager du réseau, administrateurs)',
    description:
      'La liste entière des thèmes que la Maison suit pour tout le réseau : ses agents lisent alors les questions de ces thèmes de toutes les Maisons, en lecture seule (ADR 0018). Renvoyer la même liste ne change rien.',
  })
  @ApiOkResponse({ type: MaisonDto, description: 'La Maison, avec ses spécialisations.' })
  @ApiNotFoundResponse({ description: 'Maison introuvable (problem+json).' })
  @ApiProblems(403, [422, 'Un thème inconnu de l’annuaire : errors nomme themeIds.'])
  async definirSpecialisations(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() body: SpecialisationsDto): Promise<MaisonDto> {
    return this.commandBus.execute(new DefinirSpecialisationsCommand(ctx, id, body.themeIds));
  }

  @Get('directions')
  @ApiOperation({ summary: 'Les directions du siège et les agences, y compris historiques' })
  @ApiOkResponse({ type: DirectionListDto })
  async listDirections(@Query() query: PageQueryDto): Promise<DirectionListDto> {
    return page(await this.queryBus.execute(new ListDirectionsQuery()), query);
  }

  @Get('directions/:id')
  @ApiOperation({ summary: 'Une direction, avec les thèmes et les dispositifs qu’elle porte' })
  @ApiOkResponse({ type: DirectionDetailDto })
  @ApiNotFoundResponse({ description: 'Direction introuvable (problem+json).' })
  async getDirection(@Param() { id }: IdParamDto): Promise<DirectionDetailDto> {
    return found(await this.queryBus.execute(new GetDirectionQuery(id)), 'Direction introuvable.');
  }

  @Get('themes')
  @ApiOperation({ summary: 'Les thèmes, avec la direction responsable de chacun' })
  @ApiOkResponse({ type: ThemeListDto })
  async listThemes(@Query() query: PageQueryDto): Promise<ThemeListDto> {
    return page(await this.queryBus.execute(new ListThemesQuery()), query);
  }

  @Get('dispositifs')
  @ApiOperation({ summary: 'Chercher un dispositif (nom ou mots-clés), avec sa direction et ses référents' })
  @ApiOkResponse({ type: DispositifListDto })
  @ApiProblems([403, 'orphelins=true : réservé au manager du réseau et aux administrateurs (problem+json).'])
  async listDispositifs(@CurrentUser() ctx: AuthContext, @Query() query: DispositifsQueryDto): Promise<DispositifListDto> {
    if (query.orphelins) {
      // The orphan list is a steering view of the whole network (ADR 0014).
      if (!(ctx.role === 'admin' || (ctx.role === 'manager' && ctx.perimetre === 'reseau'))) {
        throw new ForbiddenError('La liste des dispositifs orphelins est réservée au manager du réseau et aux administrateurs.');
      }
      const orphelins = await this.queryBus.execute(new ListOrphelinsQuery(this.config.ORPHELIN_SEMAINES));
      const items = orphelins.filter(
        (d) => (!query.themeId || d.theme?.id === query.themeId) && (!query.directionId || d.direction.id === query.directionId),
      );
      return page(items, query);
    }
    return page(await this.queryBus.execute(new ListDispositifsQuery(query)), query);
  }

  @Get('dispositifs/:id')
  @ApiOperation({ summary: 'Un dispositif, avec sa direction et ses référents' })
  @ApiOkResponse({ type: DispositifDto })
  @ApiNotFoundResponse({ description: 'Dispositif introuvable (problem+json).' })
  async getDispositif(@Param() { id }: IdParamDto): Promise<DispositifDto> {
    return found(await this.queryBus.execute(new GetDispositifQuery(id)), 'Dispositif introuvable.');
  }

  @Get('referents')
  @ApiOperation({ summary: 'Les référents, filtrés par dispositif, thème ou direction, avec ce dont ils répondent' })
  @ApiOkResponse({ type: ReferentListDto })
  async listReferents(@Query() query: ReferentsQueryDto): Promise<ReferentListDto> {
    return page(await this.queryBus.execute(new ListReferentsQuery(query)), query);
  }
}

function page<T extends { id: string }>(items: T[], query: PageQueryDto): Page<T> {
  return pageOfList(items, (item) => item.id, query);
}

function found<T>(value: T | null, message: string): T {
  if (value === null) throw new NotFoundError(message);
  return value;
}
