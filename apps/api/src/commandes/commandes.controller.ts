import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthContext, etagOf, parseIfMatch } from '@app/core';
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

const IF_MATCH = { name: 'If-Match', required: false, description: 'L’ETag reçu : refus 412 si la commande a changé entre-temps.' };
const IF_MATCH_AFFECTATION = { name: 'If-Match', required: false, description: 'L’ETag de l’affectation : refus 412 si elle a changé entre-temps.' };

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
  list(@CurrentUser() ctx: AuthContext, @Query() query: ListCommandesQueryDto) {
    return this.queryBus.execute(new ListCommandesQuery(ctx, query));
  }

  @Get('commandes/:id')
  @ApiOperation({ summary: 'Une commande, avec l’état, l’avancement et le retard de chaque affectation' })
  async get(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view = await this.queryBus.execute(new GetCommandeQuery(ctx, id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Patch('commandes/:id')
  @ApiOperation({ summary: 'Modifier le brouillon : seuls les champs envoyés changent (null efface)' })
  @ApiHeader(IF_MATCH)
  modifier(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() body: BriefDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new ModifierCommandeCommand(ctx, id, body, parseIfMatch(ifMatch)));
  }

  @Get('commandes/:id/verification')
  @ApiOperation({ summary: 'Le cahier des charges est-il complet ? Champs manquants et alertes' })
  verification(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.queryBus.execute(new VerifierBriefQuery(ctx, id));
  }

  @Post('commandes/:id/emettre')
  @HttpCode(200)
  @ApiOperation({ summary: 'Émettre : une affectation par Maison, refus 422 si le cahier des charges est incomplet' })
  @ApiHeader(IF_MATCH)
  emettre(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new EmettreCommandeCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('commandes/:id/annuler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Annuler la commande, avec un motif : ses affectations ouvertes sont annulées' })
  @ApiHeader(IF_MATCH)
  annuler(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runCommande(ctx, reply, new AnnulerCommandeCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  @Post('commandes/:id/messages')
  @HttpCode(201)
  @ApiOperation({ summary: 'Écrire sur le fil : note interne (votre unité) ou message partagé' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Rejouer la même requête avec la même clé n’écrit pas le message deux fois.' })
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
  fil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Query() query: FilQueryDto) {
    return this.queryBus.execute(new GetCommandeFilQuery(ctx, id, query.apres));
  }

  @Get('commandes/:id/fil/verification')
  @ApiOperation({ summary: 'Vérifier l’intégrité du fil : MAC de chaque événement, tête portée par le ticket, dernier sceau' })
  verifierFil(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto) {
    return this.queryBus.execute(new VerifyCommandeFilQuery(ctx, id));
  }

  @Get('affectations/:id')
  @ApiOperation({ summary: 'Une affectation (la part d’une Maison), avec sa commande' })
  async getAffectation(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const view: AffectationAvecCommande = await this.queryBus.execute(new GetAffectationQuery(ctx, id));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post('affectations/:id/accuser-reception')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accuser réception (Maison)' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  accuserReception(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new AccuserReceptionCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/demander-clarification')
  @HttpCode(200)
  @ApiOperation({ summary: 'Demander une clarification (Maison) : l’affectation attend la réponse de l’émetteur' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  demanderClarification(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ClarificationDemandeeDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new DemanderClarificationCommand(ctx, id, b.question, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/clarifier')
  @HttpCode(200)
  @ApiOperation({ summary: 'Répondre à la demande de clarification (émetteur) : l’affectation reprend où elle en était' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  clarifier(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: ClarificationDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new ClarifierCommand(ctx, id, b.reponse, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/avancement')
  @HttpCode(200)
  @ApiOperation({ summary: 'Signaler l’avancement (Maison) : pourcentage, livrables faits, note' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  avancement(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: AvancementDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const avancement = { pourcentage: b.pourcentage, note: b.note ?? null, livrablesFaits: b.livrablesFaits };
    return this.runAffectation(ctx, reply, new SignalerAvancementCommand(ctx, id, avancement, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/livrer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Livrer (Maison) : note et liens' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  livrer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: LivraisonDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new LivrerCommand(ctx, id, b.note, b.liens ?? [], parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/valider')
  @HttpCode(200)
  @ApiOperation({ summary: 'Valider la livraison (émetteur) ; la dernière validation clôt la commande' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  valider(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new ValiderAffectationCommand(ctx, id, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/renvoyer')
  @HttpCode(200)
  @ApiOperation({ summary: 'Renvoyer la livraison à la Maison, avec un motif (émetteur)' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  renvoyer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new RenvoyerAffectationCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  @Post('affectations/:id/annuler')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retirer une Maison de la commande, avec un motif (émetteur)' })
  @ApiHeader(IF_MATCH_AFFECTATION)
  annulerAffectation(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() b: MotifDto, @Headers('if-match') ifMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.runAffectation(ctx, reply, new AnnulerAffectationCommand(ctx, id, b.motif, parseIfMatch(ifMatch)));
  }

  /** Runs a commande transition, then answers the commande as the caller now sees it, with its ETag. */
  private async runCommande(ctx: AuthContext, reply: FastifyReply, command: { commandeId: string } & object): Promise<CommandeView> {
    await this.commandBus.execute(command as never);
    const view: CommandeView = await this.queryBus.execute(new GetCommandeQuery(ctx, command.commandeId));
    reply.header('etag', etagOf(view.version));
    return view;
  }

  /** Runs an assignment transition, then answers the assignment (and its commande), with the assignment's ETag. */
  private async runAffectation(ctx: AuthContext, reply: FastifyReply, command: { affectationId: string } & object): Promise<AffectationAvecCommande> {
    await this.commandBus.execute(command as never);
    const view: AffectationAvecCommande = await this.queryBus.execute(new GetAffectationQuery(ctx, command.affectationId));
    reply.header('etag', etagOf(view.version));
    return view;
  }
}
