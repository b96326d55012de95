import { Body, Controller, Get, Headers, Param, Put, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { etagOf, Page, pageOfList, requireIfMatch } from '@app/core';
import { calendrierCursorId, GetCalendrierQuery, ListCalendriersQuery, ListPolitiquesQuery, UpdateCalendrierCommand, UpdatePolitiqueCommand } from '@app/sla';
import type { BusinessCalendarSpec, CalendrierResume, PolitiqueView } from '@app/sla';
import { Roles } from '../auth/auth.decorators';
import { PageQueryDto } from '../common/dto';
import { ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import { CalendrierIdDto, PolitiqueIdDto, UpdateCalendrierDto, UpdatePolitiqueDto } from './sla.dto';
import { CalendrierDto, CalendrierPageDto, FermetureDto, PlageHoraireDto, PolitiqueDto, PolitiquePageDto } from './sla.responses';

@ApiTags('SLA')
@ApiBearerAuth()
@ApiExtraModels(PlageHoraireDto, FermetureDto)
@Controller()
export class SlaController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Get('sla/politiques')
  @Roles('admin', 'manager')
  @ApiOperation({ summary: 'Les politiques SLA (cibles en minutes ouvrées)' })
  @ApiOkResponse({ type: PolitiquePageDto })
  @ApiProblems(403)
  async politiques(@Query() query: PageQueryDto): Promise<Page<PolitiqueView>> {
    const all: PolitiqueView[] = await this.queryBus.execute(new ListPolitiquesQuery());
    return pageOfList(all, (p) => p.id, query);
  }

  @Put('sla/politiques/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Modifier une politique : s’applique aux nouvelles horloges, pas à celles en cours', description: 'If-Match obligatoire : 428 sans lui, 412 si la politique a changé.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'L’ETag de la politique lue (428 sans lui, 412 s’il est périmé).' })
  @ApiOkResponse({ type: PolitiqueDto, headers: ETAG_HEADER })
  @ApiProblems(403, 412, 428)
  async updatePolitique(
    @Param() { id }: PolitiqueIdDto,
    @Body() body: UpdatePolitiqueDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.commandBus.execute(new UpdatePolitiqueCommand(id, body, requireIfMatch(ifMatch)));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Get('calendriers')
  @ApiOperation({ summary: 'Les calendriers ouvrés : réseau, siège, puis chaque Maison (le sien ou celui du réseau, hérité)' })
  @ApiOkResponse({ type: CalendrierPageDto })
  async calendriers(@Query() query: PageQueryDto): Promise<Page<CalendrierResume>> {
    const all: CalendrierResume[] = await this.queryBus.execute(new ListCalendriersQuery());
    return pageOfList(all, (c) => calendrierCursorId(c.id), query);
  }

  @Get('calendriers/:id')
  @ApiOperation({ summary: 'Un calendrier ouvré : horaires, jours fériés et fermetures' })
  @ApiOkResponse({ type: CalendrierDto, headers: ETAG_HEADER })
  async calendrier(@Param() { id }: CalendrierIdDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queryBus.execute(new GetCalendrierQuery(id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Put('calendriers/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Modifier un calendrier : les horloges en cours sont recalculées', description: 'If-Match obligatoire : 428 sans lui, 412 si le calendrier a changé ("0" pour un calendrier de Maison encore hérité).' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'L’ETag du calendrier lu (428 sans lui, 412 s’il est périmé).' })
  @ApiOkResponse({ type: CalendrierDto, headers: ETAG_HEADER })
  @ApiProblems(403, 412, 428)
  async updateCalendrier(
    @Param() { id }: CalendrierIdDto,
    @Body() body: UpdateCalendrierDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const view = await this.commandBus.execute(new UpdateCalendrierCommand(id, body as unknown as Omit<BusinessCalendarSpec, 'id'>, requireIfMatch(ifMatch)));
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
