import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Terminus reports a failed check by throwing a 503 whose body is the check result. The global
 * ProblemFilter would turn it into problem+json and drop the per-dependency details that
 * probes and operators read, so health routes send terminus's body as it is.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(503)
      .header('cache-control', 'no-cache, no-store, must-revalidate')
      .send(exception.getResponse());
  }
}
