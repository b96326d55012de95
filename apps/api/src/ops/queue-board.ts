import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { QueryBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { TokenService } from '@app/core';
import { boardAuthHook } from './board-auth';
import { BoardQueues } from './board-queues';

/** Where the queue board lives (outside /api/v1: it is a page, not an API resource). */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Mounts bull-board on Fastify, inside an encapsulated plugin whose onRequest hook admits admins
 * only. Encapsulation, not a URL test, decides what the hook covers: every route bull-board
 * registers (page, static files, JSON API) is inside, whatever its path looks like.
 *
 * Not done through @bull-board/nestjs: its Fastify integration protects the board with Nest
 * middleware bound to the exact route, which leaves the board's JSON API (`…/api/*`) open.
 */
export async function setupQueueBoard(app: NestFastifyApplication): Promise<void> {
  const { queues } = app.get(BoardQueues);
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: 'Relais — files',
        locale: { lng: 'fr-FR' },
        hideDocsLink: true,
        miscLinks: [{ text: 'API', url: '/api/docs' }],
      },
    },
  });

  const authorize = boardAuthHook(app.get(TokenService), app.get(QueryBus));
  await app.register(
    async (scope: FastifyInstance) => {
      scope.addHook('onRequest', authorize);
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
