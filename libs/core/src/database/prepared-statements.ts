import { Client } from 'pg';

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
 * - PostgreSQL replans a prepared statement itself when a table it reads changes (migrations
 *   run before the processes start, and add columns the statements name explicitly).
 *
 * `capacity` 0 (DATABASE_STATEMENT_CACHE=0) turns it off: behind a pooler in transaction mode
 * that does not track prepared statements (PgBouncer before 1.21), named statements break.
 */
/**
 * A statement that starts with this comment is never prepared: PostgreSQL plans it at every
 * call. For statements whose best plan depends on the values: the full-text searches, where a
 * common word matches a third of the questions and a rare one a handful, which a generic plan
 * (one plan for every value) cannot tell apart.
 */
export const PLAN_PER_CALL = '/* relais: plan per call */';

export function preparingClient(capacity: number): typeof Client {
  class PreparingClient extends Client {
    /** Statement text → its name on this connection. */
    private readonly prepared = new Map<string, string>();

    // pg's query is overloaded (config object, text + values, callbacks, streams): only
    // `query(text, values[, callback])` with values is rewritten; everything else passes through.
    override query(...args: unknown[]): never {
      const [text, values, callback] = args;
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && !text.startsWith(PLAN_PER_CALL)) {
        let name = this.prepared.get(text);
        if (name === undefined && this.prepared.size < capacity) {
          name = `relais_${this.prepared.size + 1}`;
          this.prepared.set(text, name);
        }
        if (name !== undefined) return (super.query as (...a: unknown[]) => never)({ name, text, values }, callback);
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  return PreparingClient as unknown as typeof Client;
}
