/**
 * Collects the conditions and parameters of a dynamic WHERE clause, numbering placeholders in
 * order, so that a list query adds its filters without hand-counting `$n`.
 */
export class SqlWhere {
  readonly conditions: string[] = [];

  constructor(readonly params: unknown[] = []) {}

  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** Adds a condition with no parameter. */
  raw(condition: string): this {
    this.conditions.push(condition);
    return this;
  }

  /** Adds `condition(placeholder)` when `value` is present (not undefined, null, '' or []). */
  when(value: unknown, condition: (placeholder: string) => string): this {
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return this;
    this.conditions.push(condition(this.param(value)));
    return this;
  }

  get sql(): string {
    return this.conditions.length ? this.conditions.join(' AND ') : 'TRUE';
  }
}

/**
 * SQL: a timestamptz as the API prints it (`Date#toISOString()`: UTC, milliseconds truncated as
 * node-pg truncates microseconds), for reads shaped for the screen: a page of rows then neither
 * parses its dates nor formats them again in Node (issue #17). NULL stays NULL.
 */
export function isoSql(expression: string): string {
  return `to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
