import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '@app/core';
import { CurrentUser } from '../auth/auth.decorators';
import { ApiProblems } from '../common/problem.responses';
import { FLUX_RETRY_MS, FluxHub } from './flux.hub';
import { FluxFilEvenementDto, FluxNotificationDto, FluxResyncDto } from './flux.responses';

const DESCRIPTION = `Flux server-sent events (text/event-stream) des nouveautés du périmètre de l’appelant, tant que la connexion reste ouverte.

- \`event: fil\` : un nouvel événement sur le fil d’un ticket que l’appelant peut lire (même règle que GET /questions/{id} et /commandes/{id} ; une note interne seulement pour son unité), \`data\` : FluxFilEvenementDto — de quoi rafraîchir le ticket, jamais le texte d’une note ;
- \`event: notification\` : une notification de l’appelant, \`data\` : FluxNotificationDto ;
- \`event: resync\` : des événements ont été manqués et ne peuvent plus être rejoués : rechargez ce qui est affiché ;
- \`event: curseur\` (sans données) : fait avancer Last-Event-ID au-delà d’événements qui ne vous étaient pas destinés ;
- des commentaires \`: ping\` toutes les 20 s environ, et \`retry: ${FLUX_RETRY_MS}\` (délai de reconnexion, ms).

Chaque événement porte un \`id:\` ; en se reconnectant avec l’en-tête Last-Event-ID, le client reçoit d’abord ce qu’il a manqué. Livraison au moins une fois : dédoublonnez par l’id de data. Le flux se ferme à l’arrêt du serveur (reconnectez-vous). Au plus FLUX_MAX_STREAMS_PER_USER flux ouverts par utilisateur et par processus (429 au-delà).`;

/** The live stream (ADR 0012): thin, the fan-out and the scope live in FluxHub and @app/notifications. */
@ApiTags('Direct')
@ApiBearerAuth()
@ApiExtraModels(FluxFilEvenementDto, FluxNotificationDto, FluxResyncDto)
@Controller('flux')
export class FluxController {
  constructor(private readonly hub: FluxHub) {}

  @Get()
  @ApiOperation({ summary: 'Mises à jour en direct (server-sent events) : fil des tickets et notifications', description: DESCRIPTION })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'L’id du dernier événement reçu : le flux reprend juste après (ou envoie resync).' })
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'Le flux, ouvert jusqu’à ce que le client ou le serveur le ferme. Chaque data est l’un de ces objets JSON, selon event.',
    content: {
      'text/event-stream': {
        schema: { oneOf: [{ $ref: getSchemaPath(FluxFilEvenementDto) }, { $ref: getSchemaPath(FluxNotificationDto) }, { $ref: getSchemaPath(FluxResyncDto) }] },
      },
    },
  })
  @ApiProblems([429, 'Trop de flux ouverts pour cet utilisateur : fermez un onglet.'])
  open(@CurrentUser() ctx: AuthContext, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): void {
    const out = this.hub.open(ctx, lastEventId);
    reply.raw.once('close', () => this.hub.close(out));
    // No compression is registered and nothing buffers a stream payload: each write leaves at
    // once. x-accel-buffering tells a reverse proxy (nginx) not to buffer it either.
    // `connection: close`: once a stream ends (at shutdown) its connection must go too; kept
    // alive, it would hold the server's close for keepAliveTimeout (72 s), and a client
    // reconnects on a new connection anyway.
    void reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('x-accel-buffering', 'no')
      .header('connection', 'close')
      .send(out);
  }
}
