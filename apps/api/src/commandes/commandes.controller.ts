import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, etagOf, parseIfMatch, requireIfMatch } from '@app/core';
import {
  AccuserReceptionCommand,
  AffectationAvecCommande,
  AjouterMessageCommandeCommand,
  AnnulerAffectationCommand,
  AnnulerCommandeCommand,
  ClarifierCommand,
  CommandeView,
  DemanderClarificationCommand,
  EmettreCommandeCommand,
  GetAffectationQuery,
  GetCommandeFilQuery,
  GetCommandeQuery,
  LivrerCommand,
  ListCommandesQuery,
  ModifierCommandeCommand,
  RedigerCommandeCommand,
  RenvoyerAffectationCommand,
  SignalerAvancementCommand,
  ValiderAffectationCommand,
  VerifierBriefQuery,
  VerifyCommandeFilQuery,
} from '@app/commandes';
import { CurrentUser } from '../auth/auth.decorators';
import { FilEvenementDto, FilVerificationDto } from '../common/fil.responses';
import { CREATED_HEADERS, ETAG_HEADER } from '../common/page.responses';
import { ApiProblems } from '../common/problem.responses';
import {
  AvancementDto,
  BriefDto,
  ClarificationDemandeeDto,
  ClarificationDto,
  CommandeMessageDto,
  FilQueryDto,
  IdParamDto,
  LivraisonDto,
  ListCommandesQueryDto,
  MotifDto,
} from './commandes.dto';
import { AffectationAvecCommandeDto, CommandeDto, CommandePageDto, VerificationBriefDto } from './commandes.responses';

const IF_MATCH = { name: 'If-Match', required: false, description: 'L’ETag reçu : refus 412 si la commande a changé entre-temps.' };
const IF_MATCH_REQUIS = { name: 'If-Match', required: true, description: 'Obligatoire (428 sans lui) : l’ETag reçu, refus 412 si la commande a changé entre-temps.' };
const IF_MATCH_AFFECTATION = { name: 'If-Match', required: false, description: 'L’ETag de l’affectation : refus 412 si elle a changé entre-temps.' };

/** A commande transition: answers the commande as the caller now sees it, or 409 naming its state. */
const TransitionCommande = (extra: Array<number | [number, string]> = []) =>
  applyDecorators(
    ApiHeader(IF_MATCH),
    ApiOkResponse({ type: CommandeDto, description: 'La commande après la transition (statut, affectations, sla, version).', headers: ETAG_HEADER }),
    ApiProblems(403, 409, 412, ...extra),
  );

/** An assignment transition: answers the assignment and where its commande stands. */
const TransitionAffectation = () =>
  applyDecorators(
    ApiHeader(IF_MATCH_AFFECTATION),
    ApiOkResponse({ type: AffectationAvecCommandeDto, description: 'L’affectation après la transition, avec sa commande ; ETag : celui de l’affectation.', headers: ETAG_HEADER }),
    ApiProblems(403, 409, 412, 422),
  );

/**
 * Commandes (top-down): the issuing unit drafts, checks and issues a brief; each targeted MdR
 * works its own assignment. Transitions answer 200 with the resource as the caller now sees
 * it: the commande for commande transitions, the assignment (with its commande) otherwise.
 */
@ApiTags('Commandes')
@ApiBearerAuth()
@Controller()
export class CommandesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('commandes')
  @ApiOperation({ summary: 'Rédiger une commande (Cabinet, manager de direction) : brouillon, complet ou non' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé ne crée rien deux fois.' })
  @ApiCreatedResponse({ type: CommandeDto, description: 'Le brouillon créé ; la même réponse pour un rejeu de la même Idempotency-Key.', headers: CREATED_HEADERS })
  @ApiProblems(403, 422)
  async create(
    @CurrentUser() ctx: AuthContext,
    @Body() body: BriefDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandeView> {
    const result = await this.commandBus.execute(new RedigerCommandeCommand(ctx, body, key));
    reply.status(result.status).header('etag', etagOf(result.body.version)).header('location', `/api/v1/commandes/${result.body.id}`);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get('commandes')
  @ApiOperation({ summary: 'Les commandes reçues par votre Maison (recues=true), ou celles de votre unité, les plus récentes d’abord' })
  @ApiOkResponse({ type: CommandePageDto })
  @ApiProblems(403)
  list(@CurrentUser() ctx: AuthContext, @Query() query: ListCommandesQueryDto) {
    return this.queryBus.execute(new ListCommandesQuery(ctx, query));
  }

  @Get('commandes/:id')
  @ApiOperation({ summary: 'Une commande, avec l’état, l’avancement et le retard de chaque affectation' })
  @ApiOkResponse({ type: CommandeDto, headers: ETAG_HEADER })
  async get(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queryBus.execute(new GetCommandeQuery(ctx, id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Patch('commandes/:id')
  @ApiOperation({ summary: 'Modifier le brouillon : seuls les champs envoyés changent (null efface)', description: 'If-Match obligatoire : 428 sans lui, 412 si la commande a changé.' })
  @ApiHeader(IF_MATCH_REQUIS)
  @ApiOkResponse({ type: CommandeDto, description: 'Le brouillon modifié.', headers: ETAG_HEADER })
  @ApiProblems(403, 409, 412, 422, 428)
  modifier(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() body: BriefDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new ModifierCommandeCommand(ctx, id, body, requireIfMatch(ifMatch)));
  }

  @Get('commandes/:id/verification')
  @ApiOperation({ summary: 'Le cahier des charges est-il complet ? Champs manquants et alertes' })
  @ApiOkResponse({ type: VerificationBriefDto })
  verification(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.queryBus.execute(new VerifierBriefQuery(ctx, id));
  }

  @Post('commandes/:id/emettre')
  @HttpCode(200)
  @ApiOperation({ summary: 'Émettre : une affectation par Maison, refus 422 si le cahier des charges est incomplet' })
  @TransitionCommande([[422, 'Cahier des charges incomplet : errors nomme chaque champ manquant.']])
  emettre(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new EmettreCommandeCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('commandes/:id/annuler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Annuler la commande, avec un motif : ses affectations ouvertes sont annulées' })
  @TransitionCommande()
  annuler(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new AnnulerCommandeCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  @Post('commandes/:id/messages')
  @HttpCode(201)
  @ApiOperation({ summary: 'Écrire sur le fil : note interne (votre unité) ou message partagé' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé n’écrit pas le message deux fois.' })
  @ApiCreatedResponse({ type: CommandeDto, description: 'La commande, avec sa nouvelle version.', headers: ETAG_HEADER })
  @ApiProblems(403, 409, 422)
  async messages(
    @CurrentUser() ctx: AuthContext,
    @Param() { id }: IdParamDto,
    @Body() b: CommandeMessageDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandeView> {
    const result = await this.commandBus.execute(new AjouterMessageCommandeCommand(ctx, id, b.texte, b.visibilite, key));
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    reply.header('etag', etagOf(result.body.version));
    return result.body;
  }

  @Get('commandes/:id/fil')
  @ApiOperation({ summary: 'Le fil de la commande (notes internes des autres unités masquées)' })
  @ApiOkResponse({ type: FilEvenementDto, isArray: true, description: 'Les événements dans l’ordre de seq.' })
  fil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Query() query: FilQueryDto) {
    return this.queryBus.execute(new GetCommandeFilQuery(ctx, id, query.apres));
  }

  @Get('commandes/:id/fil/verification')
  @ApiOperation({ summary: 'Vérifier l’intégrité du fil : MAC de chaque événement, tête portée par le ticket, dernier sceau' })
  @ApiOkResponse({ type: FilVerificationDto })
  verifierFil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.queryBus.execute(new VerifyCommandeFilQuery(ctx, id));
  }

  @Get('affectations/:id')
  @ApiOperation({ summary: 'Une affectation (la part d’une Maison), avec sa commande' })
  @ApiOkResponse({ type: AffectationAvecCommandeDto, headers: ETAG_HEADER })
  async getAffectation(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view: AffectationAvecCommande = await this.queryBus.execute(new GetAffectationQuery(ctx, id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post('affectations/:id/accuser-reception')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accuser réception (Maison)' })
  @TransitionAffectation()
  accuserReception(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new AccuserReceptionCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/demander-clarification')
  @HttpCode(200)
  @ApiOperation({ summary: 'Demander une clarification (Maison) : l’affectation attend la réponse de l’émetteur' })
  @TransitionAffectation()
  demanderClarification(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ClarificationDemandeeDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new DemanderClarificationCommand(ctx, id, b.question, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/clarifier')
  @HttpCode(200)
  @ApiOperation({ summary: 'Répondre à la demande de clarification (émetteur) : l’affectation reprend où elle en était' })
  @TransitionAffectation()
  clarifier(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ClarificationDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new ClarifierCommand(ctx, id, b.reponse, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/avancement')
  @HttpCode(200)
  @ApiOperation({ summary: 'Signaler l’avancement (Maison) : pourcentage, livrables faits, note' })
  @TransitionAffectation()
  avancement(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: AvancementDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const avancement = { pourcentage: b.pourcentage, note: b.note ?? null, livrablesFaits: b.livrablesFaits };
    return this.runAffectation(ctx, reply, new SignalerAvancementCommand(ctx, id, avancement, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/livrer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Livrer (Maison) : note et liens' })
  @TransitionAffectation()
  livrer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: LivraisonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new LivrerCommand(ctx, id, b.note, b.liens ?? [], parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/valider')
  @HttpCode(200)
  @ApiOperation({ summary: 'Valider la livraison (émetteur) ; la dernière validation clôt la commande' })
  @TransitionAffectation()
  valider(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new ValiderAffectationCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/renvoyer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Renvoyer la livraison à la Maison, avec un motif (émetteur)' })
  @TransitionAffectation()
  renvoyer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new RenvoyerAffectationCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/annuler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retirer une Maison de la commande, avec un motif (émetteur)' })
  @TransitionAffectation()
  annulerAffectation(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new AnnulerAffectationCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  /** Runs a commande transition and answers the commande (clocks included) read inside its transaction, with its ETag. */
  private async runCommande(ctx: AuthContext, reply: FastifyReply, command: { commandeId: string } & object): Promise<CommandeView> {
    const view: CommandeView = await this.commandBus.execute(command as never);
    reply.header('etag', etagOf(view.version));
    return view;
  }

  /**
   * Runs an assignment transition and answers the assignment (and its commande), clocks
   * included, with the assignment's ETag: read inside the transition's transaction, so a
   * committed transition never answers an error.
   */
  private async runAffectation(ctx: AuthContext, reply: FastifyReply, command: { affectationId: string } & object): Promise<AffectationAvecCommande> {
    const view: AffectationAvecCommande = await this.commandBus.execute(command as never);
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
