import { Client } from 'pg';

/**
 * A statement that starts with this comment is never prepared: PostgreSQL plans it at every
 * call. For statements whose best plan depends on the values: the full-text searches, where a
 * common word matches a large share of the questions and a rare one a handful, which a generic plan
 * (one plan for every value) cannot tell apart.
 */
export const PLAN_PER_CALL = '/* relais: plan per call */';

/**
 * What PostgreSQL answers when a table a prepared statement reads with `*` (`h.*`) gained or
 * lost a column since it was prepared: a migration ran while the process was up (a rolling
 * deployment). The statement is then prepared again under a new name.
 */
export function isStaleResultType(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

/**
 * A pg Client that runs each parameterised statement as a named prepared statement, so that
 * PostgreSQL parses it (and, once its plan is cached, plans it) once per connection instead of
 * at every call: the unnamed extended protocol TypeORM uses re-parses and re-plans every
 * statement (ADR 0029, issue #17).
 *
 * - Only statements with parameters: without them pg sends the simple protocol (one message,
 *   no parse step to save), and those are the transaction's `START TRANSACTION`/`COMMIT`.
 * - At most `capacity` statement texts per connection. TypeORM writes a few texts per arity
 *   (`IN ($1, $2…)`), so the distinct texts are bounded but not small; past the cap a text
 *   runs unnamed, as before. A connection's statements end with it (the pool's idle timeout).
 * - Statements are session-level on the server and survive a rollback; a Parse that fails (an
 *   aborted transaction) records nothing, and pg sends it again next time (Client handles both).
 * - PostgreSQL replans a prepared statement itself when a table it reads changes; when the
 *   change alters what a `*` returns (a migration during a rolling deployment), the statement
 *   is prepared again under a new name (isStaleResultType).
 * - A statement that starts with PLAN_PER_CALL is planned at every call, unnamed.
 *
 * `capacity` 0 (DATABASE_STATEMENT_CACHE=0) turns it off: behind a pooler in transaction mode
 * that does not track prepared statements (PgBouncer before 1.21), named statements break.
 */
export function preparingClient(capacity: number): typeof Client {
  class PreparingClient extends Client {
    /** Statement text → its name on this connection. */
    private readonly prepared = new Map<string, string>();
    /** Names given so far (a stale statement's text gets a new one). */
    private named = 0;

    // pg's query is overloaded (config object, text + values, callbacks, streams): only
    // `query(text, values)` with values and no callback (TypeORM's call) is rewritten;
    // everything else passes through.
    override query(...args: unknown[]): never {
      const [text, values, callback] = args;
      const query = super.query as (...a: unknown[]) => never;
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined || text.startsWith(PLAN_PER_CALL)) {
        return query.apply(this, args);
      }
      let name = this.prepared.get(text);
      if (name === undefined) {
        if (this.prepared.size >= capacity) return query.apply(this, args);
        name = `relais_${++this.named}`;
        this.prepared.set(text, name);
      }
      // Idle ('I') before the call: no transaction to abort, a stale statement is retried at once.
      // (pg 8.23's getTransactionStatus, which @types/pg does not declare yet.)
      const outsideTransaction = (this as unknown as { getTransactionStatus(): string | null }).getTransactionStatus() === 'I';
      const run = query.call(this, { name, text, values }) as Promise<unknown>;
      return run.catch((error: unknown) => {
        if (!isStaleResultType(error)) throw error;
        this.prepared.delete(text);
        // In a transaction the error aborted it: the caller's next attempt prepares afresh.
        if (!outsideTransaction) throw error;
        return this.query(text, values);
      }) as never;
    }
  }
  return PreparingClient as unknown as typeof Client;
}
