import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, BoundedShutdown } from '@app/core';

/**
 * The API's shutdown: bounded like every process's (BoundedShutdown), plus keep-alive handling.
 * A response sent during the drain would keep its connection open until the client's idle
 * timeout, and the server cannot finish closing before that: once the drain has started, every
 * response says `Connection: close`.
 */
@Injectable()
export class GracefulShutdown extends BoundedShutdown implements BeforeApplicationShutdown {
  constructor(config: AppConfig, adapterHost: HttpAdapterHost) {
    super(config);
    // Added here, while NestFactory.create() builds the providers, rather than in a lifecycle
    // hook: a Fastify hook reaches only the plugins registered after it, and the queue board
    // and helmet are registered right after create().
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (this.shuttingDown) reply.header('connection', 'close');
      return payload;
    });
  }

  /** True from the first shutdown signal (or `app.close()`) on. */
  get draining(): boolean {
    return this.shuttingDown;
  }

  beforeApplicationShutdown(): void {
    // Also reached by app.close() without a signal; the listener closes right after this.
    this.startedAt ??= Date.now();
  }
}
