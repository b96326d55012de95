import { isStaleResultType } from '../database/prepared-statements';
/**
 * Errors that say the database (or another backing service) is away for now, not that the
 * request or the code is wrong: the answer is 503 with Retry-After, the client may try again.
 *
 * - Node socket errors: refused, reset, timed out, unreachable, name not resolved;
 * - PostgreSQL SQLSTATE class 08 (connection exception), 57P01 admin shutdown, 57P02 crash
 *   shutdown, 57P03 cannot connect now (starting up, shutting down), 53300 too many connections;
 * - node-postgres messages without a code: the server went away mid-query, the pool waited
 *   connectionTimeoutMillis for a connection, a client broken by a previous error;
 * - TypeORM's "query runner already released" inside a transaction: TypeORM releases a
 *   transaction's runner when its connection emits `error` (PostgreSQL restarted or the socket
 *   cut between two statements of the transaction), and the next statement fails with this
 *   instead of the connection's error, which is lost (found by the fault suite, issue #17:
 *   a PostgreSQL restart answered some transitions 500). Our transactions release their runner
 *   only once their callback has settled, so this error has no other cause here.
 * - a prepared statement whose table changed shape under it ("cached plan must not change result
 *   type", ADR 0029: a migration during a rolling deployment) inside a transaction: the
 *   connection prepares it afresh, the next attempt succeeds.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_NAMES = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection is not established|Driver not Connected/i;

/** Seconds a client is told to wait before trying again (Retry-After). */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export function isServiceUnavailable(exception: unknown): boolean {
  // TypeORM wraps the driver's error (driverError); Node wraps causes (cause).
  let e: unknown = exception;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    if (isStaleResultType(e)) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
