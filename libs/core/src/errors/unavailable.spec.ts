import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { toProblem } from './problem.filter';
import { isServiceUnavailable } from './unavailable';

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('service unavailable', () => {
  it.each([
    ['admin shutdown', new QueryFailedError('SELECT 1', [], pgError('57P01', 'terminating connection due to administrator command'))],
    ['crash shutdown', new QueryFailedError('SELECT 1', [], pgError('57P02', 'terminating connection due to crash of another server process'))],
    ['starting up', pgError('57P03', 'the database system is starting up')],
    ['connection failure (08006)', pgError('08006', 'connection failure')],
    ['refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['terminated mid-query', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['transaction runner released on its connection error', new QueryRunnerAlreadyReleasedError()],
    ['transaction runner released, through the data source', new QueryRunnerProviderAlreadyReleasedError()],
    ['wrapped cause', Object.assign(new Error('query failed'), { cause: pgError('ECONNRESET', 'read ECONNRESET') })],
    ['prepared statement whose table changed (ADR 0029)', new QueryFailedError('SELECT h.*', [], pgError('0A000', 'cached plan must not change result type'))],
  ])('%s → 503 SERVICE_INDISPONIBLE', (_, err) => {
    expect(isServiceUnavailable(err)).toBe(true);
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'SERVICE_INDISPONIBLE' });
  });

  it.each([
    ['unique violation', new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key value violates unique constraint'))],
    ['a bug', new TypeError('x is undefined')],
    ['another unsupported feature (0A000)', new QueryFailedError('SELECT', [], pgError('0A000', 'FOR UPDATE is not allowed with aggregate functions'))],
  ])('%s stays a 500', (_, err) => {
    expect(isServiceUnavailable(err)).toBe(false);
    expect(toProblem(err)).toMatchObject({ status: 500, code: 'ERREUR_INTERNE' });
  });
});
