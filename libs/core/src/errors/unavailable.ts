/**
 * Errors that say the database (or another backing service) is away for now, not that the
 * request or the code is wrong: the answer is 503 with Retry-After, the client may try again.
 *
 * - Node socket errors: refused, reset, timed out, unreachable, name not resolved;
 * - PostgreSQL SQLSTATE class 08 (connection exception), 57P01 admin shutdown, 57P02 crash
 *   shutdown, 57P03 cannot connect now (starting up, shutting down), 53300 too many connections;
 * - node-postgres messages without a code: the server went away mid-query, the pool waited
 *   connectionTimeoutMillis for a connection, a client broken by a previous error.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Connection is not established|Driver not Connected/i;

/** Seconds a client is told to wait before trying again (Retry-After). */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

export function isServiceUnavailable(exception: unknown): boolean {
  // TypeORM wraps the driver's error (driverError); Node wraps causes (cause).
  let e: unknown = exception;
  for (let depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    e = (e as { driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
