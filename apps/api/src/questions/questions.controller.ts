import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AuthContext, etagOf, parseIfMatch, DomainError } from '@app/core';
import {
  AjouterMessageCommand,
  CloreQuestionCommand,
  DemanderInfoCommand,
  EscaladerQuestionCommand,
  FileReferentQuery,
  FournirInfoCommand,
  GetQuestionFilQuery,
  GetQuestionQuery,
  ListQuestionsQuery,
  PrendreEnChargeCommand,
  QuestionView,
  RecordQuestionCommand,
  RemettreLienSuiviCommand,
  LienSuiviRemis,
  ReorienterQuestionCommand,
  RepondreLocalementCommand,
  RepondreQuestionCommand,
  RouvrirQuestionCommand,
  VerifyQuestionFilQuery,
} from '@app/questions';
import { CurrentUser } from '../auth/auth.decorators';
import { FilEvenementDto, FilVerificationDto } from '../common/fil.responses';
import { ApiProblems } from '../common/problem.responses';
import { CREATED_HEADERS, ETAG_HEADER } from '../common/page.responses';
import {
  CloreDto,
  CreateQuestionDto,
  EscaladerDto,
  FileReferentQueryDto,
  FilQueryDto,
  IdParamDto,
  ListQuestionsQueryDto,
  MessageDto,
  MotifDto,
  QuestionMessageDto,
  ReorienterDto,
  ReponseDto,
  ReponseLocaleDto,
} from './questions.dto';
import { LienSuiviDto, QuestionDto, QuestionPageDto } from './questions.responses';

const IF_MATCH = { name: 'If-Match', required: false, description: 'L’ETag reçu : refus 412 si la question a changé entre-temps.' };

/** A transition: answers the question as the caller now sees it, or 409 naming its state. */
const Transition = () =>
  applyDecorators(
    ApiHeader(IF_MATCH),
    ApiOkResponse({ type: QuestionDto, description: 'La question après la transition (statut, sla, version).', headers: ETAG_HEADER }),
    ApiProblems(403, 409, 412, 422),
  );

@ApiTags('Questions')
@ApiBearerAuth()
@Controller()
export class QuestionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly config: AppConfig,
  ) {}

  @Post('questions')
  @ApiOperation({ summary: 'Enregistrer la question d’un usager (agent de Maison de la Région)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé ne crée rien deux fois.' })
  @ApiCreatedResponse({ type: QuestionDto, description: 'La question enregistrée (statut recue) ; la même réponse pour un rejeu de la même Idempotency-Key.', headers: CREATED_HEADERS })
  @ApiProblems(403, 422)
  async create(
    @CurrentUser() ctx: AuthContext,
    @Body() body: CreateQuestionDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QuestionView> {
    const result = await this.commandBus.execute(
      new RecordQuestionCommand(
        ctx,
        {
          objet: body.objet,
          description: body.description,
          canal: body.canal,
          priorite: body.priorite,
          dispositifId: body.dispositifId ?? null,
          themeId: body.themeId ?? null,
          usager: {
            nom: body.usager.nom,
            organisation: body.usager.organisation ?? null,
            email: body.usager.email ?? null,
            telephone: body.usager.telephone ?? null,
            consentement: body.usager.consentement,
          },
        },
        key,
      ),
    );
    reply.status(result.status).header('etag', etagOf(result.body.version)).header('location', `/api/v1/questions/${result.body.id}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('questions')
  @ApiOperation({ summary: 'Les questions de votre périmètre, les plus récentes d’abord' })
  @ApiOkResponse({ type: QuestionPageDto })
  @ApiProblems(403)
  list(@CurrentUser() ctx: AuthContext, @Query() query: ListQuestionsQueryDto) {
    return this.queryBus.execute(new ListQuestionsQuery(ctx, query));
  }

  @Get('file-referent')
  @ApiOperation({ summary: 'La file des questions escaladées à votre direction (ou à la coordination du réseau)' })
  @ApiOkResponse({ type: QuestionPageDto })
  @ApiProblems(403)
  file(@CurrentUser() ctx: AuthContext, @Query() query: FileReferentQueryDto) {
    return this.queryBus.execute(new FileReferentQuery(ctx, query));
  }

  @Get('questions/:id')
  @ApiOperation({ summary: 'Une question' })
  @ApiOkResponse({ type: QuestionDto, headers: ETAG_HEADER })
  async get(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queryBus.execute(new GetQuestionQuery(ctx, id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Get('questions/:id/fil')
  @ApiOperation({ summary: 'Le fil de la question (notes internes des autres unités masquées)' })
  @ApiOkResponse({ type: FilEvenementDto, isArray: true, description: 'Les événements dans l’ordre de seq.' })
  fil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Query() query: FilQueryDto) {
    return this.queryBus.execute(new GetQuestionFilQuery(ctx, id, query.apres));
  }

  @Get('questions/:id/fil/verification')
  @ApiOperation({ summary: 'Vérifier l’intégrité du fil : MAC de chaque événement, tête portée par le ticket, dernier sceau' })
  @ApiOkResponse({ type: FilVerificationDto })
  verifierFil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.queryBus.execute(new VerifyQuestionFilQuery(ctx, id));
  }

  @Post('questions/:id/repondre-localement')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Répondre à l’usager sans escalader',
    description: 'Avec reponsePublieeId ou questionSourceId (l’un ou l’autre), la réponse réutilisée est enregistrée avec la réponse (taux de réutilisation).',
  })
  @Transition()
  repondreLocalement(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ReponseLocaleDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (b.reponsePublieeId && b.questionSourceId) {
      const message = 'Réutilisez une réponse publiée ou une question similaire, pas les deux.';
      throw new DomainError('REUTILISATION_REFUSEE', 'unprocessable', message, { errors: [{ field: 'questionSourceId', message }] });
    }
    const reutilisation = b.reponsePublieeId ? { reponsePublieeId: b.reponsePublieeId } : b.questionSourceId ? { questionSourceId: b.questionSourceId } : null;
    return this.run(ctx, reply, new RepondreLocalementCommand(ctx, id, b.reponse, parseIfMatch(ifMatch), reutilisation));
  }

  @Post('questions/:id/escalader')
  @HttpCode(200)
  @ApiOperation({ summary: 'Escalader au référent de la direction compétente' })
  @Transition()
  escalader(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: EscaladerDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new EscaladerQuestionCommand(ctx, id, { directionId: b.directionId, referentId: b.referentId }, b.message ?? null, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/prendre-en-charge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Prendre la question en charge (référent)' })
  @Transition()
  prendreEnCharge(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new PrendreEnChargeCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/demander-info')
  @HttpCode(200)
  @ApiOperation({ summary: 'Demander une information à la Maison (l’échéance est suspendue)' })
  @Transition()
  demanderInfo(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MessageDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new DemanderInfoCommand(ctx, id, b.message, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/fournir-info')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fournir l’information demandée (Maison)' })
  @Transition()
  fournirInfo(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MessageDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new FournirInfoCommand(ctx, id, b.message, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/repondre')
  @HttpCode(200)
  @ApiOperation({ summary: 'Répondre (référent) : la réponse revient à la Maison' })
  @Transition()
  repondre(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ReponseDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new RepondreQuestionCommand(ctx, id, b.reponse, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/reorienter')
  @HttpCode(200)
  @ApiOperation({ summary: 'Réorienter vers une autre direction, avec un motif' })
  @Transition()
  reorienter(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ReorienterDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new ReorienterQuestionCommand(ctx, id, b.directionId, b.motif, b.referentId ?? null, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/clore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clore : la réponse a été transmise à l’usager' })
  @Transition()
  clore(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: CloreDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new CloreQuestionCommand(ctx, id, b.issue ?? null, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/rouvrir')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rouvrir une question close, avec un motif' })
  @Transition()
  rouvrir(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(ctx, reply, new RouvrirQuestionCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  @Post('questions/:id/messages')
  @HttpCode(201)
  @ApiOperation({ summary: 'Écrire sur le fil : note interne (votre unité) ou message partagé' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé n’écrit pas le message deux fois.' })
  @ApiCreatedResponse({ type: QuestionDto, description: 'La question, avec sa nouvelle version.', headers: ETAG_HEADER })
  @ApiProblems(403, 409, 422)
  async messages(
    @CurrentUser() ctx: AuthContext,
    @Param() { id }: IdParamDto,
    @Body() b: QuestionMessageDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QuestionView> {
    const result = await this.commandBus.execute(new AjouterMessageCommand(ctx, id, b.texte, b.visibilite, key));
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    reply.header('etag', etagOf(result.body.version));
    return result.body;
  }

  @Post('questions/:id/lien-suivi')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Remettre à l’usager un lien de suivi (sa page /suivi/{token}, sans donnée personnelle)',
    description:
      'Réservé à la Maison de la question. Une question n’a qu’un lien actif : un nouvel appel en crée un autre et désactive le précédent (reçu perdu ou à réimprimer). ' +
      'Pas d’Idempotency-Key : la réponse garderait le jeton en clair ; rejouer la requête remplace simplement le lien.',
  })
  @ApiCreatedResponse({ type: LienSuiviDto, description: 'Le lien, affiché cette fois seulement.' })
  @ApiProblems(403, [409, 'La question est close depuis plus de SUIVI_VALIDITE_MOIS mois : son lien ne fonctionnerait plus.'])
  lienSuivi(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Req() request: FastifyRequest): Promise<LienSuiviRemis> {
    // PUBLIC_URL when set (behind a proxy the address the usager can reach), else this request's own origin.
    const origin = this.config.PUBLIC_URL || `${request.protocol}://${request.host}`;
    return this.commandBus.execute(new RemettreLienSuiviCommand(ctx, id, origin));
  }

  /**
   * Runs a transition and answers the question as the caller sees it after it, clocks included,
   * with its ETag: read inside the transition's transaction, so a committed transition never
   * answers an error.
   */
  private async run(ctx: AuthContext, reply: FastifyReply, command: { questionId: string } & object): Promise<QuestionView> {
    const view: QuestionView = await this.commandBus.execute(command as never);
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
