import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle, Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, AuthContext, NotFoundError, pageOfList, ValidationFailedError } from '@app/core';
import { ContenuDocument, DocumentsService, DocumentView, LienDocumentCree, TYPES_ACCEPTES, UploadPart } from '@app/knowledge';
import { CurrentUser, Public } from '../auth/auth.decorators';
import { IdParamDto, PageQueryDto } from '../common/dto';
import { ApiProblems, problemResponse } from '../common/problem.responses';
import { CreerLienDto } from './documents.dto';
import { DocumentDto, DocumentListDto, LienDocumentDto } from './documents.responses';
import { documentParts } from './multipart';

const FICHIER = {
  description: 'Le fichier, son titre et sa diffusion. Le type est lu dans le contenu (PDF, docx, xlsx, pptx, odt, PNG, JPEG), jamais dans le nom.',
  schema: {
    type: 'object',
    required: ['titre', 'diffusion', 'fichier'],
    properties: {
      titre: { type: 'string', maxLength: 200, example: 'Règlement d’intervention' },
      diffusion: { type: 'string', enum: ['interne', 'externe'] },
      fichier: { type: 'string', format: 'binary' },
    },
  },
};

/** A download: one media type per accepted kind (the one found in the bytes at upload). */
const BINAIRE = (description: string) => ({
  description,
  content: Object.fromEntries(Object.keys(TYPES_ACCEPTES).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
});

/** Dates far ahead are refused: a link is for a campaign, not forever (no date = until revoked). */
const EXPIRATION_MAX_MS = 5 * 366 * 24 * 3600 * 1000;

/**
 * Documents of a dispositif: the owning direction publishes (référents, managers; admins),
 * every authenticated user reads. The body of an upload is read as a stream, straight to the
 * document store.
 */
@ApiTags('Documents')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly config: AppConfig,
  ) {}

  @Post('dispositifs/:id/documents')
  @HttpCode(201)
  @ApiOperation({ summary: 'Déposer un document sur un dispositif (direction qui le porte)', description: 'multipart/form-data : titre, diffusion, fichier (un seul, DOCUMENT_TAILLE_MAX_MO Mo au plus).' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FICHIER)
  @ApiCreatedResponse({ type: DocumentDto })
  @ApiProblems(
    403,
    [413, 'Fichier trop volumineux (DOCUMENT_TAILLE_MAX_MO) : errors nomme fichier.'],
    [415, 'Corps non multipart, ou fichier d’un type refusé d’après son contenu : errors nomme fichier.'],
  )
  async deposer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Req() request: FastifyRequest): Promise<DocumentView> {
    // Rights first: nobody out of the direction gets a byte stored, even for an instant.
    await this.documents.verifierDepot(ctx, id);
    return this.documents.deposer(ctx, id, documentParts(request) as AsyncIterable<UploadPart>);
  }

  @Get('dispositifs/:id/documents')
  @ApiOperation({ summary: 'Les documents d’un dispositif, les plus récents d’abord' })
  @ApiOkResponse({ type: DocumentListDto })
  @ApiProblems()
  async lister(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Query() query: PageQueryDto): Promise<DocumentListDto> {
    const { items, peutDeposer } = await this.documents.lister(ctx, id);
    return { ...pageOfList(items, (d) => d.id, query), peutDeposer } as never;
  }

  @Get('documents/:id/contenu')
  @ApiOperation({ summary: 'Télécharger un document (tout agent authentifié, diffusion interne comprise)' })
  @ApiProduces(...Object.keys(TYPES_ACCEPTES))
  @ApiResponse({ status: 200, ...BINAIRE('Le fichier, avec son type et son nom (Content-Disposition).') })
  @ApiProblems()
  async contenu(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const contenu = await this.documents.contenu(ctx, id);
    // Private: a shared cache must never keep an interne document.
    reply.header('cache-control', 'private, max-age=0, must-revalidate');
    return streamOf(contenu);
  }

  @Delete('documents/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Supprimer un document (direction qui porte le dispositif)',
    description: 'Supprime le document, ses liens de partage (ils répondent aussitôt 404) et son fichier. Une seconde suppression répond 404.',
  })
  @ApiNoContentResponse({ description: 'Document supprimé.' })
  @ApiProblems(403)
  async supprimer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.documents.supprimer(ctx, id);
  }

  @Post('documents/:id/liens')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Créer un lien public de partage d’un document de diffusion externe',
    description: 'Le jeton n’est affiché qu’une fois. Pas d’Idempotency-Key : la réponse garderait le jeton en clair (ADR 0010) ; un lien en trop se révoque.',
  })
  @ApiCreatedResponse({ type: LienDocumentDto, description: 'Le lien, affiché cette fois seulement.' })
  @ApiProblems(403, [422, 'Document de diffusion interne : il ne peut pas être partagé.'])
  async creerLien(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto, @Body() body: CreerLienDto, @Req() request: FastifyRequest): Promise<LienDocumentCree> {
    let expireLe: Date | undefined;
    if (body.expireLe !== undefined) {
      expireLe = new Date(body.expireLe);
      if (Number.isNaN(expireLe.getTime()) || expireLe.getTime() - Date.now() > EXPIRATION_MAX_MS) {
        throw new ValidationFailedError([{ field: 'expireLe', message: 'La date d’expiration doit être dans les cinq ans.' }]);
      }
    }
    // PUBLIC_URL when set (behind a proxy the address the public can reach), else this request's own origin.
    const origin = this.config.PUBLIC_URL || `${request.protocol}://${request.host}`;
    return this.documents.creerLien(ctx, id, expireLe, origin);
  }

  @Delete('liens/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Révoquer un lien de partage (le lien répond aussitôt 404, comme un lien inconnu)' })
  @ApiNoContentResponse({ description: 'Lien révoqué (ou déjà révoqué).' })
  @ApiProblems(403)
  async revoquer(@CurrentUser() ctx: AuthContext, @Param() { id }: IdParamDto): Promise<void> {
    await this.documents.revoquerLien(ctx, id);
  }
}

/**
 * A shared document, at the root (`/public/documents/{token}`): public, the unguessable token
 * is the only key; rate-limited per client address so tokens cannot be tried in bulk. A wrong,
 * revoked or expired token gets the same 404 (ADR 0010's design).
 */
@ApiTags('Documents')
@Public()
@UseGuards(ThrottlerGuard)
@SkipThrottle({ login: true, suivi: true })
@Throttle({ documents: {} })
@Controller('public/documents')
export class PublicDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get(':token')
  @ApiOperation({ summary: 'Un document partagé, sans connexion (lien public d’un document de diffusion externe)' })
  @ApiParam({ name: 'token', description: 'Le jeton du lien de partage (43 caractères base64url).' })
  @ApiProduces(...Object.keys(TYPES_ACCEPTES))
  @ApiResponse({ status: 200, ...BINAIRE('Le fichier.') })
  @ApiResponse({ status: 404, ...problemResponse(404, 'Lien inconnu, révoqué ou expiré : la même réponse dans tous les cas.') })
  @ApiResponse({ status: 429, ...problemResponse(429, 'Trop de téléchargements depuis cette adresse : réessayer dans une minute.') })
  async telecharger(@Param('token') token: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamableFile> {
    const contenu = await this.documents.ouvrirPublic(token);
    if (!contenu) throw new NotFoundError('Lien introuvable.');
    reply.headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' });
    return streamOf(contenu);
  }
}

function streamOf(contenu: ContenuDocument): StreamableFile {
  return new StreamableFile(contenu.stream, { type: contenu.type, disposition: contenu.disposition, length: contenu.taille });
}
