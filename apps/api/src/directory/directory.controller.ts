import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotFoundError } from '@app/core';
import {
  GetDirectionQuery,
  GetDispositifQuery,
  GetMaisonQuery,
  ListDirectionsQuery,
  ListDispositifsQuery,
  ListMaisonsQuery,
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
  NoQueryDto,
  ReferentListDto,
  ReferentsQueryDto,
  ThemeListDto,
} from './directory.dto';

const BAD_REQUEST = 'Paramètre invalide ou inconnu (problem+json, une erreur par champ).';

/**
 * The directory is reference data: every authenticated role may read it. Lists answer
 * `{items, nextCursor: null}` like every list of the API; the directory fits in one page.
 */
@ApiTags('Annuaire')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'Jeton absent, invalide ou compte désactivé (problem+json).' })
@ApiBadRequestResponse({ description: BAD_REQUEST })
@Controller()
export class DirectoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('maisons')
  @ApiOperation({ summary: 'Les Maisons de la Région et bureaux territoriaux, avec leurs spécialisations' })
  @ApiOkResponse({ type: MaisonListDto })
  async listMaisons(@Query() _query: NoQueryDto): Promise<MaisonListDto> {
    return page(await this.queryBus.execute(new ListMaisonsQuery()));
  }

  @Get('maisons/:id')
  @ApiOperation({ summary: 'Une Maison de la Région' })
  @ApiOkResponse({ type: MaisonDto })
  @ApiNotFoundResponse({ description: 'Maison introuvable (problem+json).' })
  async getMaison(@Param() { id }: IdParamDto): Promise<MaisonDto> {
    return found(await this.queryBus.execute(new GetMaisonQuery(id)), 'Maison de la Région introuvable.');
  }

  @Get('directions')
  @ApiOperation({ summary: 'Les directions du siège et les agences, y compris historiques' })
  @ApiOkResponse({ type: DirectionListDto })
  async listDirections(@Query() _query: NoQueryDto): Promise<DirectionListDto> {
    return page(await this.queryBus.execute(new ListDirectionsQuery()));
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
  async listThemes(@Query() _query: NoQueryDto): Promise<ThemeListDto> {
    return page(await this.queryBus.execute(new ListThemesQuery()));
  }

  @Get('dispositifs')
  @ApiOperation({ summary: 'Chercher un dispositif (nom ou mots-clés), avec sa direction et ses référents' })
  @ApiOkResponse({ type: DispositifListDto })
  async listDispositifs(@Query() query: DispositifsQueryDto): Promise<DispositifListDto> {
    return page(await this.queryBus.execute(new ListDispositifsQuery(query)));
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
    return page(await this.queryBus.execute(new ListReferentsQuery(query)));
  }
}

function page<T>(items: T[]): { items: T[]; nextCursor: null } {
  return { items, nextCursor: null };
}

function found<T>(value: T | null, message: string): T {
  if (value === null) throw new NotFoundError(message);
  return value;
}
