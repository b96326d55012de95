import { DataSource } from 'typeorm';
import type { TestApi } from './e2e-app';

/**
 * Counts the SQL statements (round trips, BEGIN and COMMIT included) that the API's DataSource
 * sends while a request runs (issue #17: a transition was round-trip bound). It hooks the
 * DataSource's logger, through which TypeORM passes every statement of every query runner.
 *
 * The window stays open until the database has been quiet for `settleMs` after the answer, so
 * that what runs after commit (in-process event handlers) counts too. Nothing else may use the
 * API's database meanwhile: the count would take it in.
 */
export class StatementCounter {
  private recording: string[] | null = null;

  private constructor(private readonly dataSource: DataSource) {
    const logger = dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      this.recording?.push(oneLine(query));
      return logQuery(query, parameters, runner);
    };
  }

  static attach(api: TestApi): StatementCounter {
    return new StatementCounter(api.app.get(DataSource));
  }

  /** The statements sent while `request` runs, and its result. */
  async during<T>(request: () => Promise<T>, settleMs = 100): Promise<{ result: T; statements: string[] }> {
    if (this.recording) throw new Error('StatementCounter: one request at a time.');
    const statements: string[] = [];
    this.recording = statements;
    try {
      const result = await request();
      let seen = -1;
      while (seen !== statements.length) {
        seen = statements.length;
        await new Promise((resolve) => setTimeout(resolve, settleMs));
      }
      return { result, statements };
    } finally {
      this.recording = null;
    }
  }
}

/** A statement on one line, its long lists cut, for a readable listing. */
function oneLine(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
