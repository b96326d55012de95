import { Logger as NestLogger } from '@nestjs/common';
import { Logger as TypeOrmLoggerContract } from 'typeorm';
import { maskSql, safeError, SafeError } from './safe-error';

/**
 * TypeORM's console loggers print a failed statement with its `-- PARAMETERS: […]`, that is
 * the usager's or contact's data of the write that failed, as raw text outside the JSON logs.
 * This one goes through Nest's logger (pino in the apps) and never looks at the parameters.
 */
export class SafeTypeOrmLogger implements TypeOrmLoggerContract {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(): void {
    /* statements are not logged */
  }

  logQueryError(error: string | Error, query: string): void {
    // Without the stack: the ProblemFilter (or the caller) logs the same error with it.
    const err = (typeof error === 'string' ? { type: 'QueryFailedError', message: '[masqué]' } : safeError(error)) as SafeError;
    delete err.stack;
    this.logger.error({ err, query: maskSql(query) }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ durationMs: time, query: maskSql(query) }, 'slow query');
  }

  logSchemaBuild(): void {
    /* schema changes only come from migrations */
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(typeof message === 'string' ? message : 'TypeORM warning');
  }
}
