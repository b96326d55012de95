import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiMetrics } from './api-metrics';

/** The route label of a request no route matched (404s of unknown paths): one series, whatever the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Observes every HTTP response in the latency histogram, labelled by the route's pattern
 * (`/api/v1/questions/:id`), never the raw URL, so that ids and scanners' paths cannot grow the
 * number of series.
 */
@Injectable()
export class HttpMetrics {
  constructor(adapterHost: HttpAdapterHost, metrics: ApiMetrics) {
    // Added while NestFactory.create() builds the providers: a root hook then also reaches the
    // plugins registered afterwards (helmet, the queue board), as in GracefulShutdown.
    const fastify = adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      metrics.httpDuration.observe(
        { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
