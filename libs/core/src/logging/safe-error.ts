/**
 * What of an error may reach a log. A database error carries the statement's `parameters`,
 * the driver's `detail` ("Key (email)=(…) already exists", "Failing row contains (…)") and
 * sometimes a quoted value in its message: any of them can be an usager's name, e-mail or
 * phone, a commande contact or a message text. So errors are logged from an allow-list of
 * fields, never by copying their enumerable properties (pino's default `err` serializer).
 */
const SAFE_FIELDS = ['code', 'status', 'statusCode', 'severity', 'schema', 'table', 'column', 'constraint', 'dataType', 'routine'] as const;
const MASK = '[masqué]';
const SQLSTATE = /^[0-9A-Z]{5}$/;

export interface SafeError {
  type: string;
  message: string;
  stack?: string;
  query?: string;
  cause?: SafeError;
  [field: string]: unknown;
}

/**
 * PostgreSQL quotes the offending value at the end of some messages
 * (`invalid input syntax for type uuid: "…"`, `invalid input value for enum canal: "…"`).
 */
export function maskDatabaseMessage(message: string): string {
  return message.replace(/: ".*"\s*$/s, `: "${MASK}"`).replace(/(Key \(.*?\))=\(.*?\)/gs, `$1=(${MASK})`);
}

/** SQL text without its string literals: statements are parameterised, but a literal may slip in. */
export function maskSql(sql: string, max = 200): string {
  const masked = sql.replace(/'(?:[^']|'')*'/g, `'${MASK}'`).replace(/\s+/g, ' ').trim();
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}

function isDatabaseError(err: Record<string, unknown>): boolean {
  return 'driverError' in err || 'parameters' in err || (typeof err.code === 'string' && SQLSTATE.test(err.code));
}

/**
 * Accepts an Error, or the plain object pino's standard serializer made of one (pino-http
 * runs that first and hands us its result), and returns only the allowed fields.
 */
export function safeError(value: unknown, depth = 0): SafeError | unknown {
  if (value === null || typeof value !== 'object') return value;
  const err = value as Record<string, unknown>;
  if (typeof err.message !== 'string' && typeof err.stack !== 'string') return { type: typeof err.type === 'string' ? err.type : 'Object', message: MASK };
  const database = isDatabaseError(err);
  const rawMessage = typeof err.message === 'string' ? err.message : '';
  const message = database ? maskDatabaseMessage(rawMessage) : rawMessage;
  const type = typeof err.type === 'string' ? err.type : ((value as object).constructor?.name ?? 'Error');
  // No prototype and a hidden `name`: when pino's standard serializer runs over this record
  // again (pino-http chains it before ours), it reads the type from `name`, not `Object`.
  const out = Object.assign(Object.create(null) as SafeError, { type, message });
  Object.defineProperty(out, 'name', { value: type, enumerable: false });
  if (typeof err.stack === 'string') {
    // The stack's first line repeats the message; only frames and error names may follow.
    out.stack = database ? err.stack.split(rawMessage).join(message) : err.stack;
    if (database) out.stack = out.stack.replace(/Key \(.*?\)=\(.*?\)/gs, (m) => maskDatabaseMessage(m));
  }
  for (const field of SAFE_FIELDS) {
    const v = err[field];
    if (typeof v === 'string' || typeof v === 'number') out[field] = v;
  }
  if (typeof err.query === 'string') out.query = maskSql(err.query);
  // `driverError` is not followed: TypeORM already copied its code, table and constraint onto the error.
  const cause = err.cause;
  if (cause && typeof cause === 'object' && cause !== value && depth < 3) {
    out.cause = safeError(cause, depth + 1) as SafeError;
  }
  return out;
}
